// What a configuration must get right before the service or a worker may run on it, beyond its
// schema: every secret it names is set, the fallback can send what reaches it, and no attempt can
// outlive its lease. `check-config` prints the same findings; `serve` and `worker` refuse to start on an error.
import type { Config } from '../config/schema.ts';
import { limitsForLane } from '../delivery/rate-limiter.ts';
import { laneKey } from '../delivery/outbox.ts';
import { stricterRates, type LaneCredential } from '../delivery/rate-gate.ts';
import { laneCredentials } from './bridge.ts';
import { FALLBACK, deliveryDefaults, espModuleFor } from '../esp/modules.ts';
import { fallbackRoutes } from '../routing/fallback-reach.ts';
import type { PluginUse } from '../storage/maintenance.ts';

export interface Findings {
  /** The config cannot run as it is: refused at start-up, exit 1 from check-config. */
  errors: string[];
  /** Works, but probably not as meant. */
  warnings: string[];
  /** Secrets named by environment variable that this environment does not set (errors at start-up). */
  missingSecrets: { path: string; env: string }[];
}

/** Every `{ env: NAME }` in the config, with where it is (secretRefSchema's only object shape). */
export function secretRefsOf(value: unknown, at = ''): { path: string; env: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretRefsOf(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'env' && typeof (value as { env: unknown }).env === 'string') return [{ path: at, env: (value as { env: string }).env }];
  return keys.flatMap((k) => secretRefsOf((value as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
}

function fallbackFindings(config: Config): string[] {
  if (config.smtp) return [];
  const out: string[] = [];
  for (const store of config.stores) {
    // A store in shadow mode sends nothing: its fallback deliveries are stored, never sent.
    if (store.mode === 'shadow') continue;
    const routes = fallbackRoutes(store);
    if (!routes.length) continue;
    const shown = routes.slice(0, 4).map((r) => `${r.emailType} to the ${r.recipient.replace('_', ' ')} ${r.when}`);
    const more = routes.length > 4 ? `, and ${routes.length - 4} more` : '';
    out.push(
      `store ${store.id} "${store.name}": ${shown.join('; ')}${more} would go to the fallback (the bridge's own SMTP emails), and there is no smtp: section, so they would wait for ever. ` +
        'Add smtp: (docs/config.md), or a plugin without restrictions that takes them (a plugin\'s emails: { <type>: false } turns one off).',
    );
  }
  return out;
}

function leaseFindings(config: Config): { errors: string[]; warnings: string[] } {
  const d = config.delivery;
  const defaults = deliveryDefaults().limits;
  const lanes = [...config.stores.flatMap((s) => s.plugins.map((p) => ({ esp: espModuleFor(p).name, plugin: p.name }))), { esp: FALLBACK.name, plugin: 'fallback' }];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const { esp, plugin } of lanes) {
    const lane = laneKey(esp, plugin);
    const { attemptTimeoutMs } = limitsForLane(d.limits, esp, lane, defaults);
    if (attemptTimeoutMs >= d.leaseMs) {
      errors.push(`lane ${lane}: attemptTimeoutMs ${attemptTimeoutMs} is not below delivery.leaseMs ${d.leaseMs}: a slow send could be sent again by another worker (docs/delivery.md, "Leases")`);
    } else if (d.timeoutMs > attemptTimeoutMs) {
      warnings.push(`lane ${lane}: delivery.timeoutMs ${d.timeoutMs} is above its attemptTimeoutMs ${attemptTimeoutMs}; the engine aborts first, and counts it as ambiguous`);
    }
  }
  // Limits for a lane no plugin has (a typo, or a plugin renamed since) silently do nothing.
  const known = new Set(lanes.map((l) => laneKey(l.esp, l.plugin)));
  for (const s of config.stores) for (const p of s.plugins) for (const old of p.renamedFrom) known.add(laneKey(espModuleFor(p).name, old));
  for (const lane of Object.keys(d.limits.lanes ?? {})) {
    if (!known.has(lane)) warnings.push(`delivery.limits.lanes."${lane}": no plugin has this lane (lanes are esp:plugin, e.g. ${[...known][0]}); these limits apply to nothing`);
  }
  return { errors, warnings };
}

/** Lanes sending with one key but configured with different rates: they share the stricter (docs/delivery.md, "Rate limits per credential"). */
function credentialFindings(config: Config, env: NodeJS.ProcessEnv): string[] {
  const defaults = deliveryDefaults().limits;
  const byCredential = new Map<string, LaneCredential[]>();
  for (const c of laneCredentials(config, env)) byCredential.set(c.credential, [...(byCredential.get(c.credential) ?? []), c]);
  const out: string[] = [];
  for (const lanes of byCredential.values()) {
    const rates = lanes.map((l) => limitsForLane(config.delivery.limits, l.esp, l.lane, defaults).rates);
    if (new Set(rates.map((r) => JSON.stringify(stricterRates([r])))).size < 2) continue;
    const shared = stricterRates(rates).map((r) => `${r.limit} per ${r.intervalMs} ms`).join(' and ');
    out.push(`lanes ${lanes.map((l) => l.lane).join(', ')} send with one key but are configured with different rates: they share one set of buckets at the stricter, ${shared}`);
  }
  return out;
}

/** Each plugin's own checks (its module's checkSettings), e.g. a Klaviyo revision Klaviyo no longer serves. */
function pluginFindings(config: Config, now: Date): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const store of config.stores) {
    for (const p of store.plugins) {
      const f = espModuleFor(p).checkSettings?.(p, now);
      if (!f) continue;
      const at = `store ${store.id} plugin "${p.name}"`;
      errors.push(...f.errors.map((e) => `${at}: ${e}`));
      warnings.push(...f.warnings.map((w) => `${at}: ${w}`));
    }
  }
  return { errors, warnings };
}

/** The secrets a config uses (the PostgreSQL URL only with `kind: postgres`). */
function usedSecrets(config: Config): { path: string; env: string }[] {
  const { storage, ...rest } = config;
  return [...secretRefsOf(rest), ...(storage.kind === 'postgres' ? secretRefsOf(storage.postgres.url, 'storage.postgres.url') : [])];
}

export function checkConfig(config: Config, env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Findings {
  const lease = leaseFindings(config);
  const plugins = pluginFindings(config, now);
  return {
    errors: [...fallbackFindings(config), ...lease.errors, ...plugins.errors],
    warnings: [...lease.warnings, ...plugins.warnings, ...credentialFindings(config, env)],
    missingSecrets: usedSecrets(config).filter((s) => !env[s.env]),
  };
}

/**
 * The findings that stop a process from starting, one line each. A worker only sends, so it needs
 * neither the HTTP server's secrets nor Centra's.
 */
export function startupProblems(config: Config, role: 'serve' | 'worker', env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string[] {
  const f = checkConfig(config, env, now);
  const missing = f.missingSecrets.filter((s) => role === 'serve' || !/^(server|centra)\b/.test(s.path));
  return [...f.errors, ...missing.map((s) => `${s.path}: environment variable ${s.env} is not set`)];
}

/**
 * Stored deliveries that name a plugin the config no longer has (by name or `renamedFrom`): their
 * transport finds no settings, so they would end as dead letters. Rows still to be sent are an
 * error, dead letters a warning (a replay would fail the same way).
 */
export function storedPluginFindings(config: Config, uses: readonly PluginUse[]): { errors: string[]; warnings: string[] } {
  const known = new Set<string>();
  const byEsp = new Map<string, string[]>();
  for (const s of config.stores) {
    for (const p of s.plugins) {
      const esp = espModuleFor(p).name;
      for (const name of [p.name, ...p.renamedFrom]) known.add(laneKey(esp, name));
      byEsp.set(esp, [...(byEsp.get(esp) ?? []), p.name]);
    }
  }
  if (config.smtp) known.add(laneKey(FALLBACK.name, 'fallback'));
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const u of uses) {
    if (known.has(laneKey(u.esp, u.plugin))) continue;
    const candidates = byEsp.get(u.esp) ?? [];
    const hint =
      u.esp === FALLBACK.name
        ? 'add an smtp: section (docs/config.md)'
        : candidates.length
          ? `if it was renamed, add renamedFrom: ${u.plugin} to the ${u.esp} plugin now called ${candidates.map((c) => `"${c}"`).join(' or ')}, or move the rows with esp-bridge rename-plugin ${u.plugin} <new name> --esp ${u.esp} (docs/operations.md, "Renaming a plugin")`
          : `the config has no ${u.esp} plugin at all; put back a ${u.esp} plugin named "${u.plugin}" (or renamedFrom: ${u.plugin}) to send them`;
    if (u.active > 0) errors.push(`${u.active} stored deliveries still to be sent name ${u.esp} plugin "${u.plugin}", which this config does not have: they would end as dead letters; ${hint}`);
    if (u.dead > 0) warnings.push(`${u.dead} dead letters name ${u.esp} plugin "${u.plugin}", which this config does not have: a replay would fail; ${hint}`);
  }
  return { errors, warnings };
}
