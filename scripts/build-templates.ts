// npm run build:templates: compiles the built-in fallback templates' MJML into
// src/esp/smtp/builtin-mjml.json, so that planning never compiles MJML. Run it after editing a
// template under src/esp/smtp/templates/; test/smtp/builtin-mjml.test.ts fails until you do.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BUILTIN_MJML_FILE, compileMjml, mjmlSourceHash, mjmlSourcesOf, type BuiltinMjml } from '../src/esp/smtp/templates.ts';

export async function buildBuiltinMjml(): Promise<BuiltinMjml> {
  const mjmlVersion = (createRequire(import.meta.url)('mjml/package.json') as { version: string }).version;
  const emails: BuiltinMjml['emails'] = {};
  for (const { type, source } of mjmlSourcesOf('')) emails[type] = { sourceSha256: mjmlSourceHash(source), ...(await compileMjml(source)) };
  return { mjmlVersion, emails };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(BUILTIN_MJML_FILE, `${JSON.stringify(await buildBuiltinMjml(), null, 1)}\n`);
  process.stdout.write(`wrote ${BUILTIN_MJML_FILE}\n`);
}
