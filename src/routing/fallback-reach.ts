// Which emails of a store can reach the fallback (the bridge's own SMTP emails): those that no
// plugin is sure to take. Checked at check-config and at start-up, because a fallback delivery
// without an `smtp:` section would wait in the outbox for ever.
import type { StoreConfig } from '../config/schema.ts';
import type { EmailType, Recipient } from '../emails/catalog.ts';
import { espModuleFor } from '../esp/modules.ts';
import type { Restrictions } from './restrictions.ts';

/** The emails each kind of store sends, and to whom (docs/decisions.md). */
const EMAILS: Record<StoreConfig['kind'], [EmailType, Recipient[]][]> = {
  wholesale: [
    ['buyer_created', ['buyer']], ['forgot_email', ['buyer']], ['order', ['buyer', 'sales_rep']], ['order_conf', ['buyer', 'sales_rep']],
    ['shipment', ['buyer', 'sales_rep']], ['cancel', ['buyer']], ['refund', ['buyer']], ['invoice', ['buyer', 'sales_rep']], ['creditnote', ['buyer', 'sales_rep']],
  ],
  dtc: [['buyer_created', ['customer']], ['forgot_email', ['customer']], ['order', ['customer']], ['order_conf', ['customer']], ['shipment', ['customer']], ['cancel', ['customer']], ['refund', ['customer']]],
};

const everywhere = (r: Restrictions) => !r.pricelists.length && !r.markets.length && !r.countries.length && !r.locales.length;

export interface FallbackRoute {
  emailType: EmailType;
  recipient: Recipient;
  /** When it falls back: "always" (no plugin has it) or "outside …" the restricted plugins that have it. */
  when: string;
}

/** The (email, recipient) pairs of a store that some order could send through the fallback. */
export function fallbackRoutes(store: StoreConfig): FallbackRoute[] {
  const out: FallbackRoute[] = [];
  for (const [emailType, recipients] of EMAILS[store.kind]) {
    for (const recipient of recipients) {
      const restricted: string[] = [];
      let covered = false;
      for (const plugin of store.plugins) {
        // false (turned off) takes the email too: the brand chose not to send it.
        if (espModuleFor(plugin).triggerName(emailType, recipient, store.kind, plugin) === null) continue;
        if (everywhere(plugin.restrictions)) {
          covered = true;
          break;
        }
        restricted.push(plugin.name);
      }
      if (!covered) out.push({ emailType, recipient, when: restricted.length ? `where the restrictions of ${restricted.join(', ')} do not match` : 'always (no plugin has it)' });
    }
  }
  return out;
}
