// esp-bridge preview --config FILE EVENT_FILE
import { readEventFile } from '../centra/parse-event.ts';
import { loadConfig } from '../config/load.ts';
import { planEvent, preparePlanning } from '../pipeline/plan.ts';

export async function previewCommand(configFile: string, eventFile: string): Promise<void> {
  const config = loadConfig(configFile);
  await preparePlanning(config);
  const event = readEventFile(eventFile);
  const plan = planEvent(event, config);
  // smtp attachments are shown by size, not as base64
  const shown = JSON.stringify(plan, (key, value) => (key === 'contentBase64' && typeof value === 'string' ? undefined : key === 'attachments' && Array.isArray(value) ? value.map((a: { contentBase64?: string }) => (typeof a.contentBase64 === 'string' ? { ...a, size: Buffer.from(a.contentBase64, 'base64').length } : a)) : value), 2);
  process.stdout.write(`${shown}\n`);
}
