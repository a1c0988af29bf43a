// The product image sizes the Centra client asks for: one per distinct `imageSize` of the configured
// plugins, so each plugin finds its own size on every line (line.images[size]). Centra answers a
// product image in one size per `source(sizeName:)`; the query asks once per size (queries.ts).
import type { Config } from '../config/schema.ts';

export function imageSizesOf(config: Pick<Config, 'stores'>): string[] {
  const sizes = new Set<string>();
  for (const store of config.stores) for (const plugin of store.plugins) if ('imageSize' in plugin && plugin.imageSize) sizes.add(plugin.imageSize);
  // "standard" first when it is asked for (the size Centra's examples use), then the rest in name order.
  return [...sizes].sort((a, b) => (a === 'standard' ? -1 : b === 'standard' ? 1 : a.localeCompare(b)));
}
