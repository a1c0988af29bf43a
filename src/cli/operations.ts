// esp-bridge worker / replay: the outbox from the command line (deliveries and trace: src/cli/trace.ts).
import { loadConfig } from '../config/load.ts';
import { openBridge } from '../app/bridge.ts';
import { createLogger, LOG_LEVELS } from '../log.ts';
import { startupProblems } from '../app/preflight.ts';
import { ConflictError, InputError, NotFoundError } from '../config/errors.ts';
import { AlreadyDeliveredError, replayDelivery } from '../delivery/outbox.ts';
import { oneOf } from './flags.ts';
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

export async function replayCommand(id: string | undefined, opts: { config: string; allDead?: boolean; force?: boolean }): Promise<void> {
  if (!id && !opts.allDead) throw new InputError('nothing to replay', ['give a delivery id, or --all-dead']);
  if (id && opts.allDead) throw new InputError('replay one or all', ['give a delivery id or --all-dead, not both']);
  const bridge = openBridge(loadConfig(opts.config));
  try {
    if (opts.allDead) {
      const n = await bridge.outbox.replayAllDead();
      process.stdout.write(`${n} dead deliveries queued again\n`);
      return;
    }
    const r = await replayDelivery(bridge.outbox, id!, { force: opts.force });
    if (r.wasDelivered) process.stderr.write(`esp-bridge: warning: ${id} had been delivered; it will be sent to the recipient again\n`);
    process.stdout.write(`${id} queued again\n`);
  } catch (e) {
    // The CLI says which flag confirms; the message says why a second send needs it.
    if (e instanceof AlreadyDeliveredError) throw new InputError(`not replayed: ${e.id} was already delivered`, [e.why, 'run again with --force to send it anyway']);
    if (e instanceof ConflictError || e instanceof NotFoundError) throw new InputError(`cannot replay ${id}`, [e.message]);
    throw e;
  } finally {
    await bridge.close();
  }
}
