// Paths and readers for the golden payloads, which live outside the repository (../shared/golden).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readEventFile } from '../../src/centra/parse-event.ts';
import { loadConfig } from '../../src/config/load.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GOLDEN_DIR = path.join(ROOT, '..', 'shared', 'golden');
export const KLAVIYO_OPENAPI = path.join(ROOT, '..', 'shared', 'vendor', 'klaviyo', 'create_event.json');

export interface ManifestEntry {
  golden: string;
  config: string;
  event: string;
  emailType: string;
  recipient: string;
}

export function readManifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(path.join(ROOT, 'test/golden/manifest.json'), 'utf8'));
}

export function readGolden(name: string): unknown {
  return JSON.parse(readFileSync(path.join(GOLDEN_DIR, name), 'utf8'));
}

export const configAt = (rel: string) => loadConfig(path.join(ROOT, rel));
export const eventAt = (rel: string) => readEventFile(path.join(ROOT, rel));
export const rawEventAt = (rel: string) => JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8'));
