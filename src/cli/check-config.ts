// esp-bridge check-config FILE [--store F]: validates, then says what each store will do, which
// secrets this environment lacks, what would stop `serve` or `worker` (src/app/preflight.ts), and
// whether stored deliveries name plugins the config no longer has. Exit 1 on an error.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkConfig, storedPluginFindings } from '../app/preflight.ts';
import type { Config } from '../config/schema.ts';
import { loadConfig } from '../config/load.ts';
import { describeSecret } from '../config/secret.ts';
import { FALLBACK } from '../esp/modules.ts';
import { openExistingStore } from './store.ts';

/** The store's plugin names against the config: the config's own store when it exists, or --store. */
async function storeFindings(config: Config, file: string, store: string | undefined): Promise<{ line: string; errors: string[]; warnings: string[] }> {
  if (store === undefined && config.storage.kind === 'sqlite' && !existsSync(path.resolve(config.storage.sqlitePath))) {
    return { line: `stored deliveries: none yet (no store at ${path.resolve(config.storage.sqlitePath)})`, errors: [], warnings: [] };
  }
  let storage;
  try {
    storage = openExistingStore({ config: file, store });
    const uses = await storage.maintenance.pluginsInUse();
    const f = storedPluginFindings(config, uses);
    const open = uses.reduce((n, u) => n + u.active, 0);
    return { line: `stored deliveries (${storage.describe()}): ${open} still to be sent, across ${new Set(uses.map((u) => `${u.esp}:${u.plugin}`)).size} plugin(s)`, ...f };
  } catch (err) {
    if (store !== undefined) throw err;
    return { line: 'stored deliveries: not checked', errors: [], warnings: [`the store could not be read (${(err as Error).message}); its plugin names were not checked`] };
  } finally {
    await storage?.close();
  }
}

export async function checkConfigCommand(file: string, opts: { store?: string } = {}): Promise<void> {
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
  const secretErrors: string[] = [];
  if (findings.missingSecrets.length) {
    const byEnv = new Map<string, string[]>();
    for (const s of findings.missingSecrets) byEnv.set(s.env, [...(byEnv.get(s.env) ?? []), s.path]);
    for (const [env, paths] of byEnv) secretErrors.push(`not set in this environment: ${env} (${paths.join(', ')})`);
  }
  const stored = await storeFindings(config, file, opts.store);
  out.push(stored.line);
  for (const w of [...findings.warnings, ...stored.warnings]) out.push(`warning: ${w}`);
  const templateProblems = FALLBACK.checkTemplates(config);
  out.push(templateProblems.length ? `fallback templates: ${templateProblems.length} problem(s)` : 'fallback templates: ok');
  for (const p of templateProblems) out.push(`  ${p}`);
  const listedErrors = [...secretErrors, ...findings.errors, ...stored.errors];
  const errors = [...listedErrors, ...templateProblems.map((p) => `fallback template: ${p}`)];
  for (const e of listedErrors) out.push(`error: ${e}`);
  out.unshift(errors.length ? `${file}: ${errors.length} error(s); serve and worker refuse to start` : `${file}: valid`);
  if (errors.length) process.exitCode = 1;
  process.stdout.write(`${out.join('\n')}\n`);
}
