// esp-bridge preview --config FILE EVENT_FILE
import { readEventFile } from '../centra/parse-event.ts';
import { loadConfig } from '../config/load.ts';
import { planEvent } from '../pipeline/plan.ts';

export function previewCommand(configFile: string, eventFile: string): void {
  const config = loadConfig(configFile);
  const event = readEventFile(eventFile);
  const plan = planEvent(event, config);
  process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
}
