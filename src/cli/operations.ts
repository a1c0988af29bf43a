// esp-bridge worker / replay: the outbox from the command line (deliveries and trace: src/cli/trace.ts).
// Replay works on the store directly (the config's, or --store): one id, --all-dead, or the dead letters a filter matches, counted first.
import { loadConfig } from '../config/load.ts';
import { openBridge } from '../app/bridge.ts';
import { createLogger, LOG_LEVELS } from '../log.ts';
import { startupProblems } from '../app/preflight.ts';
import { ConflictError, InputError, NotFoundError } from '../config/errors.ts';
import { AlreadyDeliveredError, createOutbox, replayDeadLetters, replayDelivery } from '../delivery/outbox.ts';
import { DEFAULT_CONFIG } from './defaults.ts';
import { intFlag, oneOf } from './flags.ts';
import { auditLog } from './housekeeping.ts';
import { openExistingStore } from './store.ts';
import { FILTER_FLAGS, filterOfFlags, type FilterFlags } from './trace.ts';
import { startRetention } from '../app/retention.ts';

export async function workerCommand(opts: { config: string; untilIdle?: boolean; logLevel?: string }): Promise<void> {
  const level = oneOf(opts.logLevel, LOG_LEVELS, '--log-level');
  const config = loadConfig(opts.config);
  const problems = startupProblems(config, 'worker');
  if (problems.length) throw new InputError('the configuration cannot run a worker (esp-bridge check-config says more)', problems);
  const logger = createLogger({ name: 'worker', level });
  const bridge = openBridge(config, { logger });
  if (opts.untilIdle) {
    await bridge.worker.drain();
    await bridge.close();
    return;
  }
  bridge.worker.start();
  const retention = startRetention(bridge.storage.maintenance, config.storage.retention, logger.child({ component: 'retention' }));
  logger.info({ store: bridge.storage.describe(), workerId: bridge.worker.workerId }, 'worker started');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info('stopping: finishing sends in flight');
  await retention.stop();
  await bridge.close();
}

export interface ReplayFlags extends FilterFlags {
  config: string;
  store?: string;
  allDead?: boolean;
  force?: boolean;
  expect?: string;
}

/** How each filter flag is written on the command line (for the command a dry run suggests). */
const FLAG_NAMES: Record<(typeof FILTER_FLAGS)[number], string> = { order: '--order', email: '--email', esp: '--esp', emailType: '--email-type', since: '--since', until: '--until' };

export async function replayCommand(id: string | undefined, opts: ReplayFlags): Promise<void> {
  const filterGiven = FILTER_FLAGS.filter((k) => opts[k] !== undefined);
  if (filterGiven.length || opts.expect !== undefined) return replayByFilter(id, opts, filterGiven);
  if (!id && !opts.allDead) throw new InputError('nothing to replay', ['give a delivery id, --all-dead, or a filter (--order, --email, --esp, --email-type, --since, --until) to replay the dead letters it matches']);
  if (id && opts.allDead) throw new InputError('replay one or all', ['give a delivery id or --all-dead, not both']);
  const storage = openExistingStore(opts);
  const outbox = createOutbox(storage.deliveries);
  try {
    if (opts.allDead) {
      const n = await outbox.replayAllDead();
      process.stdout.write(`${n} dead deliveries queued again\n`);
      return;
    }
    const r = await replayDelivery(outbox, id!, { force: opts.force });
    if (r.wasDelivered) process.stderr.write(`esp-bridge: warning: ${id} had been delivered; it will be sent to the recipient again\n`);
    process.stdout.write(`${id} queued again\n`);
  } catch (e) {
    // The CLI says which flag confirms; the message says why a second send needs it.
    if (e instanceof AlreadyDeliveredError) throw new InputError(`not replayed: ${e.id} was already delivered`, [e.why, 'run again with --force to send it anyway']);
    if (e instanceof ConflictError || e instanceof NotFoundError) throw new InputError(`cannot replay ${id}`, [e.message]);
    throw e;
  } finally {
    await storage.close();
  }
}

/**
 * Bulk replay by filter, as the API's (POST /api/deliveries/replay) and with the same outbox function:
 * without --expect a dry run that counts the dead letters the filter matches; with --expect N they
 * are replayed only if the count is still N, checked in the same transaction as the change.
 */
async function replayByFilter(id: string | undefined, opts: ReplayFlags, given: readonly (typeof FILTER_FLAGS)[number][]): Promise<void> {
  if (!given.length) throw new InputError('--expect confirms the count of a bulk replay', ['give the filter it was counted with (--order, --email, --esp, --email-type, --since, --until); a dry run without --expect prints the count']);
  if (id) throw new InputError('replay one delivery or the dead letters a filter matches', [`give a delivery id or ${given.map((k) => FLAG_NAMES[k]).join(', ')}, not both`]);
  if (opts.allDead) throw new InputError('replay every dead letter or those a filter matches', ['give --all-dead or a filter, not both']);
  if (opts.force) throw new InputError('--force does not apply to a bulk replay', ['a bulk replay only replays dead letters, never a delivered row (as the API and the console); replay a delivered row by its id with --force']);
  const expect = opts.expect === undefined ? undefined : intFlag(opts.expect, '--expect', 0, 0);
  const filter = filterOfFlags(opts);
  const storage = openExistingStore(opts);
  try {
    process.stderr.write(`store: ${storage.describe()}\n`);
    const r = await replayDeadLetters(createOutbox(storage.deliveries), filter, expect);
    if (expect === undefined) {
      // The command to confirm, with times written out: "2h" ago would mean another window by then.
      const where = opts.store !== undefined ? [`--store ${shellWord(opts.store)}`] : opts.config !== DEFAULT_CONFIG ? [`--config ${shellWord(opts.config)}`] : [];
      const flags = [...where, ...given.map((k) => `${FLAG_NAMES[k]} ${shellWord(k === 'since' || k === 'until' ? new Date(filter[k]!).toISOString() : String(opts[k]))}`)];
      process.stdout.write(`${r.matched} dead letter(s) match; nothing was replayed (a dry run)\n`);
      if (r.matched > 0) process.stdout.write(`to replay them: esp-bridge replay ${flags.join(' ')} --expect ${r.matched}\n`);
      return;
    }
    if (!r.done) {
      throw new InputError(`not replayed: ${r.matched} dead letter(s) match now, not the ${expect} given with --expect`, ['nothing was replayed', `check them (esp-bridge deliveries --status dead with the same filter), then run again with --expect ${r.matched}`]);
    }
    auditLog().info({ by: 'cli', filter, replayed: r.replayed }, 'dead letters replayed in bulk by an operator');
    process.stdout.write(`${r.replayed} dead letter(s) queued again\n`);
  } finally {
    await storage.close();
  }
}

/** A value as one shell word (quoted when it holds anything but plain characters). */
const shellWord = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
