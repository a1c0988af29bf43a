// esp-bridge serve: the service until SIGTERM/SIGINT, then a graceful stop.
import { loadConfig } from '../config/load.ts';
import { startService } from '../server/service.ts';

export async function serveCommand(opts: { config: string }): Promise<void> {
  const config = loadConfig(opts.config);
  const service = await startService(config);
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
