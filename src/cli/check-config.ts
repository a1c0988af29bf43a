// esp-bridge check-config FILE: validates, then says what each store will do and which secrets are missing.
import { loadConfig } from '../config/load.ts';
import { describeSecret } from '../config/secret.ts';
import { FALLBACK } from '../esp/modules.ts';

export function checkConfigCommand(file: string): void {
  const config = loadConfig(file);
  const out: string[] = [`${file}: valid`];
  const missing: string[] = [];
  for (const store of config.stores) {
    out.push(`store ${store.id} "${store.name}" (${store.kind}, language ${store.language})`);
    if (!store.plugins.length) out.push('  no ESP plugins: every email goes to the fallback (SMTP)');
    for (const p of store.plugins) {
      const r = p.restrictions;
      const where = [
        r.pricelists.length ? `pricelists ${r.pricelists.join(', ')}` : '',
        r.markets.length ? `markets ${r.markets.join(', ')}` : '',
        r.countries.length ? `countries ${r.countries.join(', ')}` : '',
        r.locales.length ? `locales ${r.locales.join(', ')}` : '',
      ].filter(Boolean);
      out.push(`  plugin "${p.name}": ${p.esp}, ${where.length ? where.join('; ') : 'everywhere'}, language from ${p.language}, key ${describeSecret(p.apiKey)}`);
      if (typeof p.apiKey !== 'string' && !process.env[p.apiKey.env]) missing.push(`${p.apiKey.env} (plugin "${p.name}" of store ${store.id})`);
    }
  }
  const storage = config.storage;
  if (storage.kind === 'postgres') {
    out.push(`storage: PostgreSQL, schema ${storage.postgres.schema}, URL ${describeSecret(storage.postgres.url)}, up to ${storage.postgres.maxConnections} connections`);
    if (typeof storage.postgres.url !== 'string' && !process.env[storage.postgres.url.env]) missing.push(`${storage.postgres.url.env} (storage.postgres.url)`);
  } else {
    out.push(`storage: SQLite file ${storage.sqlitePath} (synchronous ${storage.synchronous})`);
  }
  if (missing.length) out.push(`warning: not set in this environment: ${missing.join(', ')}`);
  const templateProblems = FALLBACK.checkTemplates(config);
  out.push(templateProblems.length ? `fallback templates: ${templateProblems.length} problem(s)` : 'fallback templates: ok');
  for (const p of templateProblems) out.push(`  ${p}`);
  if (templateProblems.length) process.exitCode = 1;
  process.stdout.write(`${out.join('\n')}\n`);
}
