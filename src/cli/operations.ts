// esp-bridge worker / deliveries / replay: the outbox from the command line.
import { loadConfig } from '../config/load.ts';
import { openBridge } from '../app/bridge.ts';
import { createLogger, LOG_LEVELS } from '../log.ts';
import { startupProblems } from '../app/preflight.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../storage/deliveries.ts';
import { InputError } from '../config/errors.ts';
import { EMAIL_TYPES } from '../emails/catalog.ts';
import { CHANNEL_NAMES, SYNC_KINDS } from '../esp/modules.ts';
import { oneOf } from './flags.ts';

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
  logger.info({ store: bridge.storage.describe(), workerId: bridge.worker.workerId }, 'worker started');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info('stopping: finishing sends in flight');
  await bridge.close();
}

export async function deliveriesCommand(opts: { config: string; status?: string; esp?: string; emailType?: string; limit?: string; json?: boolean }): Promise<void> {
  const bridge = openBridge(loadConfig(opts.config));
  try {
    const rows = await bridge.outbox.listDeliveries({
      status: oneOf<DeliveryStatus>(opts.status, DELIVERY_STATUSES, '--status'),
      esp: oneOf(opts.esp, CHANNEL_NAMES, '--esp'),
      emailType: oneOf(opts.emailType, [...EMAIL_TYPES, ...SYNC_KINDS], '--email-type'),
      limit: opts.limit ? Number(opts.limit) : 100,
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(rows.map(({ request: _r, ...rest }) => rest), null, 2)}\n`);
      return;
    }
    const lines = rows.map((r) =>
      [r.id, r.status, r.esp, r.plugin, r.emailType, r.recipient, r.to, String(r.attempts), r.lastError ? r.lastError.slice(0, 80) : ''].join('\t'),
    );
    process.stdout.write(['id\tstatus\tesp\tplugin\temail\trecipient\tto\tattempts\tlast error', ...lines].join('\n') + '\n');
    process.stderr.write(`${rows.length} deliveries\n`);
  } finally {
    await bridge.close();
  }
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
