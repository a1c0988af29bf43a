// source → domain → decide → route → map: one Centra event to the deliveries it causes.
// Pure: no network, no store; `esp-bridge preview` prints exactly this.
import type { CentraEvent } from '../centra/event-schema.ts';
import type { Config } from '../config/schema.ts';
import { storeById } from '../config/load.ts';
import type { Plan, PlannedDelivery } from '../delivery/types.ts';
import { decideEmails } from '../emails/decide.ts';
import { FALLBACK, espModuleFor } from '../esp/modules.ts';
import { selectPlugin } from '../routing/select-plugin.ts';
import { planEngageSync } from '../engage/plan.ts';

export function storeIdOf(event: CentraEvent): number {
  switch (event.type) {
    case 'order':
      return event.object.store.id;
    case 'shipment':
    case 'return':
      return event.object.order.store.id;
    default:
      return event.object.store.id;
  }
}

export function planEvent(event: CentraEvent, config: Config): Plan {
  const store = storeById(config, storeIdOf(event));
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
  deliveries.push(...planEngageSync(event, store));
  return { deliveries, skipped };
}
