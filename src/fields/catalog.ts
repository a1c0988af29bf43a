// The field catalog for marketers: per ESP, per email type, the trigger name and every field a
// template can read, with its type and an example value. Produced by running the real mappers on
// the example events (examples/, and the events behind the golden payloads), so it can never drift from what is sent: `esp-bridge fields`
// prints it and docs/fields/<esp>.md is generated from it (a test keeps the two in sync).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readEventFile } from '../centra/parse-event.ts';
import type { CentraEvent } from '../centra/event-schema.ts';
import { parseConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { EMAIL_TYPES, type EmailType, type Recipient } from '../emails/catalog.ts';
import { ESP_MODULES } from '../esp/modules.ts';
import type { EspModule } from '../esp/plugin.ts';
import { toCommerceEvent } from '../centra/to-commerce-event.ts';
import { planEvent } from '../pipeline/plan.ts';

export type StoreKind = 'wholesale' | 'dtc';

export interface CatalogField {
  /** Where the template reads it: `a.b`, `lines[].name` for each element of a list. */
  path: string;
  type: string;
  example: string;
}

export interface CatalogEmail {
  emailType: EmailType;
  storeKind: StoreKind;
  /** The trigger (metric, tag, status, custom trigger) per recipient, by default settings. */
  triggers: { recipient: Recipient; trigger: string }[];
  /** The example events the fields come from (the first gives the example values). */
  examples: string[];
  fields: CatalogField[];
}

export interface EspCatalog {
  esp: string;
  emails: CatalogEmail[];
  /** Email types this ESP sends by default but no example shows (trigger names only). */
  withoutExample: { emailType: EmailType; storeKind: StoreKind; trigger: string }[];
}

const STORE_IDS: Record<StoreKind, number> = { wholesale: 1, dtc: 2 };
const RECIPIENTS_OF: Record<StoreKind, Recipient[]> = { wholesale: ['buyer', 'sales_rep'], dtc: ['customer'] };

/** A config with one plugin of this ESP on a wholesale store (1) and a DTC store (2), every email on, every copy wanted. */
export function catalogConfig(esp: EspModule): Config {
  const plugin = (kind: StoreKind) => ({ esp: esp.name, name: `${esp.name}-${kind}`, apiKey: 'catalog' });
  const emails = { welcomeEmail: 'yes', orderConfirmationTo: 'both', shipmentConfirmationTo: 'both', cancelEmailByDefault: true };
  return parseConfig({
    stores: [
      { id: STORE_IDS.wholesale, name: 'Showroom', kind: 'wholesale', emails, urls: { showroom: 'https://showroom.example' }, trackingUrl: 'https://tracking.example/?n={trackingNumber}', plugins: [plugin('wholesale')] },
      { id: STORE_IDS.dtc, name: 'Webshop', kind: 'dtc', emails, trackingUrl: 'https://tracking.example/?n={trackingNumber}', plugins: [plugin('dtc')] },
    ],
  }, `catalog config for ${esp.name}`);
}

/** The example events of these folders, by file name (sorted, so the catalog is stable); `file` is relative to `root`. */
export function readExamples(root: string, dirs: string[]): { file: string; event: CentraEvent }[] {
  return dirs.flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ file: `${dir}/${f}`, event: readEventFile(path.join(root, dir, f)) })),
  );
}

/** Adds the fields of `more` not yet in `into`, each after the field it follows in `more` (so related fields stay together). */
function mergeFields(into: CatalogField[], more: CatalogField[]): void {
  const at = new Map(into.map((f, i) => [f.path, i]));
  let after = -1;
  for (const f of more) {
    const known = at.get(f.path);
    if (known !== undefined) {
      after = known;
      continue;
    }
    into.splice(after + 1, 0, f);
    after++;
    at.clear();
    into.forEach((g, i) => at.set(g.path, i));
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) return 'string (date-time)';
  return typeof v;
}

const shown = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
};

/** Every leaf of a JSON value, in document order; each element of a list shares the path `name[]`. */
export function leafFields(value: unknown): CatalogField[] {
  const out = new Map<string, CatalogField>();
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) {
      if (v.length === 0 && !out.has(`${at}[]`)) out.set(`${at}[]`, { path: `${at}[]`, type: 'list (empty here)', example: '' });
      for (const item of v) walk(item, `${at}[]`);
      return;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      if (!entries.length && !out.has(at)) out.set(at, { path: at, type: 'object (empty here)', example: '' });
      for (const [k, child] of entries) walk(child, at ? `${at}.${k}` : k);
      return;
    }
    const known = out.get(at);
    // A later element may say more than an empty or null first one.
    if (!known || ((known.type === 'null' || known.example === '') && v !== null && v !== '')) out.set(at, { path: at, type: typeOf(v), example: shown(v) });
  };
  walk(value, '');
  return [...out.values()];
}

/** The catalog of one ESP. */
export function espCatalog(esp: EspModule, examples: { file: string; event: CentraEvent }[]): EspCatalog {
  const config = catalogConfig(esp);
  const emails = new Map<string, CatalogEmail>();
  for (const { file, event } of examples) {
    const storeKind: StoreKind = toCommerceEvent(event).store.kind;
    const plan = planEvent(event, config);
    for (const d of plan.deliveries) {
      if (d.esp !== esp.name || !(EMAIL_TYPES as readonly string[]).includes(d.emailType)) continue;
      const emailType = d.emailType as EmailType;
      const key = `${storeKind}:${emailType}`;
      const trigger = triggerOf(esp, config, emailType, d.recipient, storeKind);
      const fields = leafFields(esp.templateFields ? esp.templateFields(d.request) : d.request.body);
      const known = emails.get(key);
      if (!known) {
        emails.set(key, { emailType, storeKind, triggers: trigger ? [{ recipient: d.recipient, trigger }] : [], examples: [file], fields });
        continue;
      }
      if (trigger && !known.triggers.some((t) => t.recipient === d.recipient)) known.triggers.push({ recipient: d.recipient, trigger });
      if (!known.examples.includes(file)) known.examples.push(file);
      mergeFields(known.fields, fields);
    }
  }
  const withoutExample: EspCatalog['withoutExample'] = [];
  for (const storeKind of ['wholesale', 'dtc'] as const) {
    for (const emailType of EMAIL_TYPES) {
      if (emails.has(`${storeKind}:${emailType}`)) continue;
      const trigger = triggerOf(esp, config, emailType, RECIPIENTS_OF[storeKind][0], storeKind);
      if (trigger) withoutExample.push({ emailType, storeKind, trigger });
    }
  }
  const order = (e: { emailType: EmailType; storeKind: StoreKind }) => (e.storeKind === 'wholesale' ? 0 : 100) + EMAIL_TYPES.indexOf(e.emailType);
  return { esp: esp.name, emails: [...emails.values()].sort((a, b) => order(a) - order(b)), withoutExample };
}

function triggerOf(esp: EspModule, config: Config, emailType: EmailType, recipient: Recipient, storeKind: StoreKind): string | null {
  const settings = config.stores.find((s) => s.id === STORE_IDS[storeKind])!.plugins[0];
  const trigger = esp.triggerName(emailType, recipient, storeKind, settings);
  return typeof trigger === 'string' ? trigger : null;
}

/**
 * Where the events come from, relative to the repository: the examples of docs/events.md, then the
 * events behind the golden payloads (they show what the examples do not, e.g. a discounted line).
 */
export const EXAMPLE_DIRS = ['examples', 'test/golden/events'];

/** Every registered ESP's catalog. */
export function fieldCatalog(root: string, dirs = EXAMPLE_DIRS): EspCatalog[] {
  const examples = readExamples(root, dirs);
  return ESP_MODULES.map((m) => espCatalog(m, examples));
}
