// Everything derived from the registry: the config's plugin union, the channel names, each ESP's
// defaults and secret places. Code outside src/esp/ asks here instead of naming an ESP.
import { z, type ZodType } from 'zod';
import type { EspRetrySettings } from '../delivery/retry-policy.ts';
import type { LaneLimits } from '../delivery/rate-limiter.ts';
import type { SecretPaths } from '../delivery/redact.ts';
import type { SecretRef } from '../config/secret.ts';
import type { EspModule, SettingsOf } from './plugin.ts';
import * as registry from './registry.ts';
import { smtpFallback } from './smtp/index.ts';

export type { SmtpMessageBody } from './smtp/index.ts';

type Registered = (typeof registry)[keyof typeof registry];

/** The ESP modules, in registry order. */
export const ESP_MODULES: readonly EspModule[] = Object.values(registry) as unknown as EspModule[];

/** A configured plugin: the settings of one of the registered ESPs. */
export type PluginConfig = SettingsOf<Registered>;

/** The config's `plugins:` entry: discriminated by `esp`. */
export const pluginSchema = z.discriminatedUnion(
  'esp',
  ESP_MODULES.map((m) => m.settingsSchema) as unknown as Parameters<typeof z.discriminatedUnion>[1],
) as unknown as ZodType<PluginConfig>;

/** The fallback channel (the bridge's own emails over SMTP). */
export const FALLBACK = smtpFallback;

/** ESP names a plugin may have. */
export const ESP_NAMES: readonly string[] = ESP_MODULES.map((m) => m.name);

/** Every channel a delivery can go through: the ESPs and the fallback. */
export const CHANNEL_NAMES: readonly string[] = [...ESP_NAMES, FALLBACK.name];

/** Delivery kinds that are not emails (the ESPs' sync operations), over all ESPs. */
export const SYNC_KINDS: readonly string[] = ESP_MODULES.flatMap((m) => m.syncKinds ?? []);

const byName = new Map<string, EspModule>(ESP_MODULES.map((m) => [m.name, m]));

/** The module of a configured plugin. */
export function espModuleFor(plugin: { esp: string }): EspModule<string, PluginConfig> {
  const m = byName.get(plugin.esp);
  if (!m) throw new Error(`no ESP module named "${plugin.esp}" (known: ${ESP_NAMES.join(', ')})`);
  return m as unknown as EspModule<string, PluginConfig>;
}

function channel(name: string): { delivery: { retry: EspRetrySettings; limits: LaneLimits }; secrets: SecretPaths } | undefined {
  return name === FALLBACK.name ? FALLBACK : byName.get(name);
}

/** Each channel's retry and rate-limit defaults, for the worker (under the config's own). */
export function deliveryDefaults(): { retry: Record<string, EspRetrySettings>; limits: Record<string, LaneLimits> } {
  const retry: Record<string, EspRetrySettings> = {};
  const limits: Record<string, LaneLimits> = {};
  for (const name of CHANNEL_NAMES) {
    const c = channel(name)!;
    retry[name] = c.delivery.retry;
    limits[name] = c.delivery.limits;
  }
  return { retry, limits };
}

/** The secret a configured plugin's ESP counts its rate limits by (its module's `credential`, by default the plugin's key). */
export function credentialRefOf(plugin: PluginConfig): SecretRef {
  return espModuleFor(plugin).credential?.(plugin) ?? plugin.apiKey;
}

/** Where a channel's secrets sit in its stored requests (none known for an unknown channel). */
export function secretPathsOf(name: string): SecretPaths {
  return channel(name)?.secrets ?? {};
}
