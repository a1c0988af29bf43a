// Contact links: the id a Centra customer has at an ESP, per plugin. An ESP's transport writes them
// once it has found or created the contact and reads them before asking the ESP again; an ESP's
// routes may read them too. Adapters: src/storage/sqlite/contacts.ts, src/storage/postgres/contacts.ts;
// an in-memory one here (tests). Both engines keep them in the table `engage_contacts`: its name
// comes from the migration that made it, and migrations are never edited (a rename would be a new one).

export interface ContactLink {
  plugin: string;
  customerId: number;
  email: string;
  /** The contact's id at the ESP. */
  contactId: string;
  /** The contact type (or list) the ESP keeps the contact as, when it has such a thing. */
  contactType: string;
}

export interface ContactLinks {
  byCustomer(plugin: string, customerId: number): Promise<ContactLink | null>;
  /** Stores the link (the email lower-cased), replacing the customer's previous one. */
  put(link: ContactLink): Promise<void>;
  /** Forgets a customer's link (the ESP no longer knows the contact: merged or deleted). */
  forget(plugin: string, customerId: number): Promise<void>;
}

/** Emails are stored trimmed and lower-cased by every adapter. */
export const normalEmail = (email: string): string => email.trim().toLowerCase();

export function memoryContactLinks(): ContactLinks {
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
