// esp-bridge erase / rename-plugin / prune: the store's housekeeping from the command line
// (src/storage/maintenance.ts; docs/operations.md). Each works on an existing store only.
import pino from 'pino';
import { erasePersonData } from '../app/erase.ts';
import { pruneOnce } from '../app/retention.ts';
import { loadConfig } from '../config/load.ts';
import { InputError } from '../config/errors.ts';
import { laneKey } from '../delivery/outbox.ts';
import { CHANNEL_NAMES } from '../esp/modules.ts';
import { createLogger } from '../log.ts';
import { storageSchema } from '../storage/config.ts';
import { oneOf } from './flags.ts';
import { openExistingStore } from './store.ts';

type StoreOpts = { config: string; store?: string };

/** The audit line goes to stderr (JSON, as the service logs), the answer to stdout. */
export const auditLog = () => createLogger({ name: 'esp-bridge', destination: pino.destination(2) });

export async function eraseCommand(opts: StoreOpts & { email?: string; json?: boolean }): Promise<void> {
  if (!opts.email) throw new InputError('nothing to erase', ['give --email <address>']);
  const storage = openExistingStore(opts);
  try {
    process.stderr.write(`store: ${storage.describe()}\n`);
    const r = await erasePersonData({ maintenance: storage.maintenance, log: auditLog() }, opts.email, 'cli');
    if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      process.stdout.write(
        `erased ${r.person}: ${r.deliveries} deliveries to the address and ${r.mentioning} to others carrying it (${r.cancelled} not yet sent, now dead and never sent), ${r.events} stored events, ${r.contactLinks} contact links\n`,
      );
    }
  } finally {
    await storage.close();
  }
}

export async function renamePluginCommand(from: string, to: string, opts: StoreOpts & { esp?: string }): Promise<void> {
  const esp = oneOf(opts.esp, CHANNEL_NAMES, '--esp');
  if (!esp) throw new InputError('which ESP?', [`give --esp <${CHANNEL_NAMES.join(' | ')}>: the plugin's esp`]);
  if (from === to) throw new InputError('nothing to rename', ['the old and the new name are the same']);
  const storage = openExistingStore(opts);
  try {
    process.stderr.write(`store: ${storage.describe()}\n`);
    const r = await storage.maintenance.renamePlugin({ esp, from, to, fromLane: laneKey(esp, from), toLane: laneKey(esp, to) });
    auditLog().info({ esp, from, to, ...r }, 'plugin renamed in the store');
    process.stdout.write(`${esp} plugin "${from}" → "${to}": ${r.deliveries} deliveries and ${r.contactLinks} contact links moved\n`);
  } finally {
    await storage.close();
  }
}

export async function pruneCommand(opts: StoreOpts): Promise<void> {
  const retention = opts.store !== undefined ? storageSchema.parse({}).retention : loadConfig(opts.config).storage.retention;
  const storage = openExistingStore(opts);
  try {
    process.stderr.write(`store: ${storage.describe()}\n`);
    const r = await pruneOnce(storage.maintenance, retention);
    process.stdout.write(`retention (deliveries ${retention.deliveredDays ?? 'kept'} days, events ${retention.eventsDays ?? 'kept'} days): ${r.deliveries} deliveries and ${r.events} events pruned\n`);
  } finally {
    await storage.close();
  }
}
