// Shared by the fallback-email tests: intents from the example and golden events, PDF text, config.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readEventFile } from '../../src/centra/parse-event.ts';
import { toCommerceEvent } from '../../src/centra/to-commerce-event.ts';
import { loadConfig, storeById } from '../../src/config/load.ts';
import type { Config, StoreConfig } from '../../src/config/schema.ts';
import { decideEmails } from '../../src/emails/decide.ts';
import type { EmailIntent } from '../../src/emails/intent.ts';

export const CONFIG_FILE = 'config/fallback-only.yaml';
export const loadFallbackConfig = (): Config => loadConfig(CONFIG_FILE);

export const EVENT_FILES = [
  ...readdirSync('examples').filter((f) => f.endsWith('.json')).map((f) => join('examples', f)),
  ...readdirSync('test/golden/events').filter((f) => f.startsWith('klaviyo-')).map((f) => join('test/golden/events', f)),
];

/** Every intent the example and golden events cause, with the store it belongs to. */
export function allIntents(config: Config): { file: string; intent: EmailIntent; store: StoreConfig }[] {
  const out: { file: string; intent: EmailIntent; store: StoreConfig }[] = [];
  for (const file of EVENT_FILES) {
    const event = toCommerceEvent(readEventFile(file));
    const store = storeById(config, event.store.id);
    for (const intent of decideEmails(event, store.emails).intents) out.push({ file, intent, store });
  }
  return out;
}

/** The text drawn by a PDF's uncompressed content streams: hex strings of TJ/Tj operators, Latin-1. */
export function pdfText(pdf: Buffer): string {
  const src = pdf.toString('latin1');
  const pieces: string[] = [];
  for (const m of src.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
    const hexes = m[1] ? [...m[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]) : [m[2]];
    pieces.push(hexes.map((h) => Buffer.from(h, 'hex').toString('latin1')).join(''));
  }
  return pieces.join('\n');
}
