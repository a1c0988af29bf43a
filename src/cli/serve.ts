// esp-bridge serve: the service until SIGTERM/SIGINT, then a graceful stop.
import { loadConfig } from '../config/load.ts';
import { LOG_LEVELS } from '../log.ts';
import { startService } from '../server/service.ts';
import { oneOf } from './flags.ts';

export async function serveCommand(opts: { config: string; logLevel?: string }): Promise<void> {
  const logLevel = oneOf(opts.logLevel, LOG_LEVELS, '--log-level');
  const config = loadConfig(opts.config);
  const service = await startService(config, { logLevel });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      service.logger.info({ signal }, 'stopping: no new requests, flushing the inbox batch, finishing sends in flight');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await service.close();
}
