// esp-bridge fields [--esp E] [--email T] [--json] [--write-docs DIR]: the field catalog for marketers.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../config/errors.ts';
import { EMAIL_TYPES } from '../emails/catalog.ts';
import { ESP_NAMES } from '../esp/modules.ts';
import { fieldCatalog, type EspCatalog } from '../fields/catalog.ts';
import { catalogMarkdown, catalogText } from '../fields/render.ts';
import { oneOf } from './flags.ts';

/** The repository, whatever the working directory: the example events live there. */
const ROOT = path.resolve(import.meta.dirname, '../..');

export function fieldsCommand(opts: { esp?: string; email?: string; json?: boolean; writeDocs?: string }): void {
  const esp = oneOf(opts.esp, ESP_NAMES, '--esp');
  const email = oneOf(opts.email, EMAIL_TYPES, '--email');
  if (opts.writeDocs && (esp || email)) throw new InputError('--write-docs writes every ESP', ['leave out --esp and --email']);
  const all = fieldCatalog(ROOT);
  if (opts.writeDocs) {
    mkdirSync(opts.writeDocs, { recursive: true });
    for (const c of all) {
      const file = path.join(opts.writeDocs, `${c.esp}.md`);
      writeFileSync(file, catalogMarkdown(c));
      process.stdout.write(`${file}\n`);
    }
    return;
  }
  const chosen: EspCatalog[] = all
    .filter((c) => !esp || c.esp === esp)
    .map((c) => ({ ...c, emails: c.emails.filter((e) => !email || e.emailType === email), withoutExample: c.withoutExample.filter((e) => !email || e.emailType === email) }));
  process.stdout.write(opts.json ? `${JSON.stringify(chosen, null, 2)}\n` : catalogText(chosen));
}
