// esp-bridge check-config FILE: validates, then says what each store will do, which secrets this
// environment lacks, and what would stop `serve` or `worker` (src/app/preflight.ts). Exit 1 on an error.
import { checkConfig } from '../app/preflight.ts';
import { loadConfig } from '../config/load.ts';
import { describeSecret } from '../config/secret.ts';
import { FALLBACK } from '../esp/modules.ts';

export async function checkConfigCommand(file: string): Promise<void> {
  const config = loadConfig(file);
  await FALLBACK.prepare(config);
  const out: string[] = [];
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
    }
  }
  const storage = config.storage;
  if (storage.kind === 'postgres') {
    out.push(`storage: PostgreSQL, schema ${storage.postgres.schema}, URL ${describeSecret(storage.postgres.url)}, up to ${storage.postgres.maxConnections} connections`);
  } else {
    out.push(`storage: SQLite file ${storage.sqlitePath} (synchronous ${storage.synchronous})`);
  }
  out.push(config.smtp ? `smtp: ${config.smtp.host}:${config.smtp.port}` : 'smtp: none (no fallback emails can be sent)');

  const findings = checkConfig(config);
  if (findings.missingSecrets.length) {
    const byEnv = new Map<string, string[]>();
    for (const s of findings.missingSecrets) byEnv.set(s.env, [...(byEnv.get(s.env) ?? []), s.path]);
    const listed = [...byEnv].map(([env, paths]) => `${env} (${paths.join(', ')})`).join(', ');
    out.push(`warning: not set in this environment: ${listed}; serve and worker refuse to start without them`);
  }
  for (const w of findings.warnings) out.push(`warning: ${w}`);
  const templateProblems = FALLBACK.checkTemplates(config);
  out.push(templateProblems.length ? `fallback templates: ${templateProblems.length} problem(s)` : 'fallback templates: ok');
  for (const p of templateProblems) out.push(`  ${p}`);
  const errors = [...findings.errors, ...templateProblems.map((p) => `fallback template: ${p}`)];
  for (const e of findings.errors) out.push(`error: ${e}`);
  out.unshift(errors.length ? `${file}: ${errors.length} error(s); serve and worker refuse to start` : `${file}: valid`);
  if (errors.length) process.exitCode = 1;
  process.stdout.write(`${out.join('\n')}\n`);
}
