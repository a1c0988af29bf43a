// source → domain → decide → route → map: one Centra event to the deliveries it causes.
// Pure: no network, no store; `esp-bridge preview` prints exactly this.
import type { CentraEvent } from '../centra/event-schema.ts';
import { toCommerceEvent } from '../centra/to-commerce-event.ts';
import type { Config, StoreConfig } from '../config/schema.ts';
import { storeById } from '../config/load.ts';
import type { Plan, PlannedDelivery } from '../delivery/types.ts';
import { decideEmails } from '../emails/decide.ts';
import { FALLBACK, espModuleFor } from '../esp/modules.ts';
import { orderNumberOf, type CommerceEvent } from '../domain/event.ts';
import { pluginReached, selectPlugin } from '../routing/select-plugin.ts';

/** An ESP's sync beside the emails: planned by the module of the plugin routing reaches with the event's facts. */
export function planSync(event: CommerceEvent, store: StoreConfig): PlannedDelivery[] {
  const plugin = pluginReached(store, event.routing);
  if (!plugin) return [];
  return espModuleFor(plugin).planSync?.(event, plugin, store) ?? [];
}

/**
 * What planning needs compiled before the first plan (the fallback's override templates): call
 * once at start-up, so that planEvent stays pure and synchronous.
 */
export function preparePlanning(config: Pick<Config, 'stores'>): Promise<void> {
  return FALLBACK.prepare(config);
}

export function planEvent(centraEvent: CentraEvent, config: Config): Plan {
  // The one conversion from Centra's vocabulary: every stage below reads only the domain.
  const event = toCommerceEvent(centraEvent);
  const store = storeById(config, event.store.id);
  const { intents, skipped } = decideEmails(event, store.emails);
  const deliveries: PlannedDelivery[] = [];
  for (const intent of intents) {
    const route = selectPlugin(intent, store);
    const common = { id: intent.key, emailType: intent.emailType, recipient: intent.recipient, to: intent.to };
    if (route.kind === 'skip') {
      skipped.push({ emailType: intent.emailType, recipient: intent.recipient, reason: route.reason });
    } else if (route.kind === 'plugin') {
      const request = espModuleFor(route.plugin).buildRequest(intent, route.plugin, { store, language: route.language });
      deliveries.push({ ...common, plugin: route.plugin.name, esp: route.plugin.esp, request });
    } else {
      deliveries.push({ ...common, plugin: 'fallback', esp: FALLBACK.name, request: FALLBACK.buildEmail(intent, store, route.language) });
    }
  }
  deliveries.push(...planSync(event, store));
  const order = orderNumberOf(event.subject);
  // Shadow mode: planned and stored exactly as they would be sent, and marked never to be sent.
  const shadowPlugins = new Set(store.plugins.filter((p) => p.mode === 'shadow').map((p) => p.name));
  for (const d of deliveries) if (store.mode === 'shadow' || shadowPlugins.has(d.plugin)) d.shadow = true;
  return { deliveries, skipped, subject: { orderNumber: order === null ? null : String(order), object: event.subjectRef } };
}
