// SPEC §3: the first plugin whose restrictions match (and that has the email) sends it; none → fallback.
import type { PluginConfig, StoreConfig } from '../config/schema.ts';
import { DEFAULT_COUNTRY_LANGUAGES } from '../config/schema.ts';
import type { RoutingFacts } from '../domain/event.ts';
import type { EmailIntent } from '../emails/intent.ts';
import { espModuleFor } from '../esp/modules.ts';
import type { Restrictions } from './restrictions.ts';

export type Route =
  | { kind: 'plugin'; plugin: PluginConfig; trigger: string; language: string }
  | { kind: 'fallback'; language: string; why: string }
  | { kind: 'skip'; reason: string };

const sameLanguage = (wanted: string, actual: string) => {
  const w = wanted.toLowerCase().replace('_', '-');
  const a = actual.toLowerCase().replace('_', '-');
  return w === a || (!w.includes('-') && a.split('-')[0] === w);
};

const matchesRef = (allowed: (string | number)[], ref: { id: number; name: string } | null) =>
  allowed.length === 0 || (ref !== null && allowed.some((a) => a === ref.id || a === ref.name));

/** Whether a plugin's restrictions let it handle an email with these facts (empty = everywhere; unknown fact ≠ match). */
export function restrictionsMatch(r: Restrictions, facts: RoutingFacts, storeLanguage: string): boolean {
  if (!matchesRef(r.pricelists, facts.pricelist)) return false;
  if (!matchesRef(r.markets, facts.market)) return false;
  if (r.countries.length && !(facts.deliveryCountry && r.countries.some((c) => c.toUpperCase() === facts.deliveryCountry!.toUpperCase()))) return false;
  const locale = facts.siteLanguage ?? storeLanguage;
  if (r.locales.length && !r.locales.some((l) => sameLanguage(l, locale))) return false;
  return true;
}

/** The language a plugin sends: from the store, the delivery country, or the site the order came from. */
export function resolveLanguage(source: 'store' | 'delivery_country' | 'site', facts: RoutingFacts, store: StoreConfig): string {
  if (source === 'site' && facts.siteLanguage) return facts.siteLanguage;
  if (source === 'delivery_country' && facts.deliveryCountry) {
    const code = facts.deliveryCountry.toUpperCase();
    return store.countryLanguages[code] ?? DEFAULT_COUNTRY_LANGUAGES[code] ?? store.language;
  }
  return store.language;
}

/** The plugin routing reaches for facts that are not an email (an ESP's sync): the first whose restrictions match. */
export function pluginReached(store: StoreConfig, facts: RoutingFacts): PluginConfig | null {
  return store.plugins.find((p) => restrictionsMatch(p.restrictions, facts, store.language)) ?? null;
}

export function selectPlugin(intent: EmailIntent, store: StoreConfig): Route {
  const passed: string[] = [];
  for (const plugin of store.plugins) {
    if (!restrictionsMatch(plugin.restrictions, intent.routing, store.language)) {
      passed.push(`${plugin.name}: restrictions do not match`);
      continue;
    }
    const trigger = espModuleFor(plugin).triggerName(intent.emailType, intent.recipient, intent.storeKind, plugin);
    if (trigger === false) return { kind: 'skip', reason: `plugin "${plugin.name}" has ${intent.emailType} turned off` };
    if (trigger === null) {
      passed.push(`${plugin.name}: ${plugin.esp} has no ${intent.emailType} email for ${intent.storeKind} stores`);
      continue;
    }
    return { kind: 'plugin', plugin, trigger, language: resolveLanguage(plugin.language, intent.routing, store) };
  }
  const why = store.plugins.length ? passed.join('; ') : 'the store has no ESP plugin';
  return { kind: 'fallback', language: resolveLanguage(store.fallback.language, intent.routing, store), why };
}
