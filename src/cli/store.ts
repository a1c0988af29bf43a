// The store an operator's read command works on: the config's, or a SQLite file named by --store.
// A store that does not exist is an error, never a new empty one (a command run from the wrong folder).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { storageSchema } from '../storage/config.ts';
import { openStorage } from '../storage/open.ts';
import type { Storage } from '../storage/port.ts';

export function openExistingStore(opts: { config: string; store?: string }): Storage {
  if (opts.store !== undefined) {
    const file = path.resolve(opts.store);
    if (!existsSync(file)) throw new InputError(`no store at ${file}`, ['--store names the SQLite file a bridge wrote (the demo prints its path)']);
    return openStorage(storageSchema.parse({ kind: 'sqlite', sqlitePath: file }));
  }
  const config = loadConfig(opts.config);
  if (config.storage.kind === 'sqlite') {
    const file = path.resolve(config.storage.sqlitePath);
    if (!existsSync(file)) throw new InputError(`no store at ${file}`, [`${opts.config} names it (storage.sqlitePath); run from the folder the bridge runs in, or give --store <file>`]);
  }
  return openStorage(config.storage);
}
