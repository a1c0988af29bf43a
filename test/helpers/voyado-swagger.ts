// Checks a JSON value against a model of Voyado's v2 Swagger as stored in a fixture
// (test/fixtures/voyado-swagger-*.json): n/s/b/any/object, `?` optional, `Model`, `Model[]`, and an
// enum by the name of an array in the fixture. No field the model does not name; none missing.
export type SwaggerFacts = Record<string, unknown>;

export interface CheckOptions {
  /** Numbers given as numeric strings pass (the orders body, bound by Centra's golden payloads). */
  numericStrings?: boolean;
  /** Enum values compared without regard to case (Engage reads its enums so). */
  enumCaseInsensitive?: boolean;
}

const PRIMITIVE: Record<string, string> = { n: 'number', s: 'string', b: 'boolean' };

function typeProblem(facts: SwaggerFacts, type: string, v: unknown, at: string, o: CheckOptions): string[] {
  if (type === 'any') return [];
  if (type === 'object') return typeof v === 'object' && v !== null && !Array.isArray(v) ? [] : [`${at}: not an object`];
  if (type in PRIMITIVE) {
    if (typeof v === PRIMITIVE[type]) return [];
    if (type === 'n' && o.numericStrings && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return [];
    return [`${at}: ${v === null ? 'null' : typeof v}, Swagger says ${PRIMITIVE[type]}`];
  }
  if (type.endsWith('[]')) {
    if (!Array.isArray(v)) return [`${at}: not an array`];
    return v.flatMap((x, i) => typeProblem(facts, type.slice(0, -2), x, `${at}[${i}]`, o));
  }
  const def = facts[type];
  if (Array.isArray(def)) {
    const values = def as string[];
    const ok = typeof v === 'string' && values.some((x) => (o.enumCaseInsensitive ? x.toLowerCase() === v.toLowerCase() : x === v));
    return ok ? [] : [`${at}: ${String(v)} not in ${values.join('|')}`];
  }
  if (def && typeof def === 'object') return swaggerProblems(facts, type, v, at, o);
  return [`${at}: the fixture has no type ${type}`];
}

/** Problems of `value` against the fixture's model `model`; [] when it matches. */
export function swaggerProblems(facts: SwaggerFacts, model: string, value: unknown, at = model, o: CheckOptions = {}): string[] {
  const spec = facts[model] as Record<string, string> | undefined;
  if (!spec || Array.isArray(spec)) return typeProblem(facts, model, value, at, o);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object (${model})`];
  const out: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!(key in spec)) out.push(`${at}.${key}: not in ${model}`);
  for (const [key, t] of Object.entries(spec)) {
    const optional = t.endsWith('?');
    const type = optional ? t.slice(0, -1) : t;
    const v = record[key];
    if (v === undefined) {
      if (!optional) out.push(`${at}.${key}: required`);
      continue;
    }
    out.push(...typeProblem(facts, type, v, `${at}.${key}`, o));
  }
  return out;
}
