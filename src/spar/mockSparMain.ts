import { createLogger } from '../log/logger.js';
import { startMockSpar } from './mockSparServer.js';

/**
 * Runs the mock SPAR server for local runs: `node dist/spar/mockSparMain.js`. Listens on
 * 127.0.0.1, port `PORT` (default 4010). With `SPAR_API_KEY` set it rejects other keys.
 */
const defaultPort = 4010;

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
const port =
  process.env.PORT === undefined || process.env.PORT === ''
    ? defaultPort
    : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  logger.fatal({ port: process.env.PORT }, 'invalid PORT; expected an integer from 0 to 65535');
  process.exit(1);
}

const apiKey = process.env.SPAR_API_KEY === '' ? undefined : process.env.SPAR_API_KEY;
const mock = await startMockSpar({ port, apiKey, logger });
logger.info({ url: mock.url, checksApiKey: apiKey !== undefined }, 'mock spar listening');
process.stdout.write(`Mock SPAR listening on ${mock.url} (set SPAR_BASE_URL=${mock.url})\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void mock.close().then(() => {
      logger.info({ signal }, 'mock spar stopped');
    });
  });
}
