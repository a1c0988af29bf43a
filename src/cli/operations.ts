// esp-bridge worker / replay: the outbox from the command line (deliveries and trace: src/cli/trace.ts).
import { loadConfig } from '../config/load.ts';
import { openBridge } from '../app/bridge.ts';
import { createLogger, LOG_LEVELS } from '../log.ts';
import { startupProblems } from '../app/preflight.ts';
import { InputError } from '../config/errors.ts';
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

export async function replayCommand(id: string | undefined, opts: { config: string; allDead?: boolean }): Promise<void> {
  if (!id && !opts.allDead) throw new InputError('nothing to replay', ['give a delivery id, or --all-dead']);
  const bridge = openBridge(loadConfig(opts.config));
  try {
    if (opts.allDead) {
      const n = await bridge.outbox.replayAllDead();
      process.stdout.write(`${n} dead deliveries queued again\n`);
    } else if (await bridge.outbox.replay(id!)) {
      process.stdout.write(`${id} queued again\n`);
    } else {
      throw new InputError(`cannot replay ${id}`, ['no such delivery, or it is in flight right now']);
    }
  } finally {
    await bridge.close();
  }
}
