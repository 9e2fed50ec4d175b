/** Process entry: config → service → listen; SIGTERM and SIGINT drain and exit. */
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { startService } from './service.js';

const startedAt = performance.now();
try {
  const service = await startService(loadConfig());
  service.logger.info(
    { url: `http://localhost:${service.port}`, startupMs: Math.round(performance.now() - startedAt), rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) },
    'ready: open the web chat at this url',
  );
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    service.logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        service.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`switchboard: configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
