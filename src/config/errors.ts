// Readable validation errors: one line per problem, naming the path of the bad field.
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

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const i = issue as z.core.$ZodIssue & { keys?: string[]; values?: unknown[]; input?: unknown };
    const at = pathOf(issue.path);
    if (i.code === 'unrecognized_keys') return `${at}: unknown field${i.keys!.length > 1 ? 's' : ''} ${i.keys!.map((k) => `"${k}"`).join(', ')}`;
    if (i.code === 'invalid_union' && 'note' in i && i.note === 'No matching discriminator') {
      return `${at}: ${issue.message}`;
    }
    return `${at}: ${issue.message}`;
  });
}
