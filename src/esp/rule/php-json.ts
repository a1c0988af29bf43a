// Rule's Order.Products and Order.DetailSkus are JSON documents carried as text, encoded the way
// Centra's PHP plugin encodes them (json_encode defaults): "/" as "\/" and non-ASCII as \uXXXX.
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
