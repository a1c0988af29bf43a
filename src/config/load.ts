// Reads and validates the config file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configSchema, type Config, type StoreConfig } from './schema.ts';
import { describeIssues, InputError } from './errors.ts';

export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new InputError(`${source} is not a valid configuration`, describeIssues(result.error, raw));
  return result.data;
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read config ${file}`, [(e as Error).message]);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid YAML`, [(e as Error).message.split('\n')[0]]);
  }
  return parseConfig(raw, file);
}

export function storeById(config: Config, id: number): StoreConfig {
  const store = config.stores.find((s) => s.id === id);
  if (!store) throw new InputError('no store for this event', [`the event belongs to store ${id}, which the config does not list (stores: ${config.stores.map((s) => s.id).join(', ')})`]);
  return store;
}
