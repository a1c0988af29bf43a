// The Engage contactId of each Centra customer, per Voyado plugin: the port the Voyado transport
// writes (after a lookup, create or update) and the promotions route reads (?customerId=).
// Adapters: src/storage/sqlite/contacts.ts, src/storage/postgres/contacts.ts; an in-memory one here (tests).

export interface ContactLink {
  plugin: string;
  customerId: number;
  email: string;
  contactId: string;
  contactType: string;
}

export interface EngageContactMap {
  byCustomer(plugin: string, customerId: number): Promise<ContactLink | null>;
  /** Stores the link (the email lower-cased), replacing the customer's previous one. */
  put(link: ContactLink): Promise<void>;
  /** Forgets a customer's contact (Engage answered ContactNotFound for it: merged or deleted). */
  forget(plugin: string, customerId: number): Promise<void>;
}

/** Emails are stored trimmed and lower-cased by every adapter. */
export const normalEmail = (email: string): string => email.trim().toLowerCase();

export function memoryContactMap(): EngageContactMap {
  const links = new Map<string, ContactLink>();
  const key = (plugin: string, id: number) => `${plugin}\u0000${id}`;
  return {
    async byCustomer(plugin, customerId) {
      return links.get(key(plugin, customerId)) ?? null;
    },
    async put(l) {
      links.set(key(l.plugin, l.customerId), { ...l, email: normalEmail(l.email) });
    },
    async forget(plugin, customerId) {
      links.delete(key(plugin, customerId));
    },
  };
}
