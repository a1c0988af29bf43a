// Readable validation errors: one line per problem, naming the path of the bad field and,
// where it helps, the value that was given.
import type { z } from 'zod';

export class InputError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = raw;
  for (const p of path) v = v == null ? undefined : v[p as any];
  return v;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function describeIssues(error: z.ZodError, raw?: unknown): string[] {
  return error.issues.map((issue) => {
    const at = pathOf(issue.path);
    if (issue.code === 'unrecognized_keys') return `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const given = raw === undefined ? undefined : valueAt(raw, issue.path);
    if (issue.code === 'invalid_union' || issue.code === 'invalid_value') return `${at}: ${issue.message} (got ${shown(given)})`;
    return `${at}: ${issue.message}`;
  });
}
