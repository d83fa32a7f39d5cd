import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';

function captureLogger(): {
  lines: () => Record<string, unknown>[];
  logger: ReturnType<typeof createLogger>;
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, logger };
}

describe('createLogger', () => {
  it('redacts secrets and contact fields', () => {
    const { lines, logger } = captureLogger();

    logger.info(
      {
        apiKey: 'sk-live-secret',
        order: {
          email: 'ada@example.com',
          phone: '+1 555 0100',
          customer: { first_name: 'Ada' },
          shipping_address: { address1: '1 Elm St' },
        },
        request: { headers: { Authorization: 'Bearer sk-live-secret' } },
      },
      'event processed',
    );

    const text = JSON.stringify(lines());
    expect(text).not.toContain('sk-live-secret');
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain('555 0100');
    expect(text).not.toContain('Ada');
    expect(text).not.toContain('Elm St');
    expect(text).toContain('[redacted]');
  });

  it('writes object first JSON lines', () => {
    const { lines, logger } = captureLogger();

    logger
      .child({ orderId: '5550001001' })
      .info({ outcome: 'applied', durationMs: 3 }, 'event processed');

    const [line] = lines();
    expect(line?.msg).toBe('event processed');
    expect(line?.orderId).toBe('5550001001');
    expect(line?.outcome).toBe('applied');
    expect(line?.service).toBe('spar-bridge');
  });
});
