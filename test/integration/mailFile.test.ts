import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import type { EmailAction } from '../../src/decision/types.js';
import { createLogger } from '../../src/log/logger.js';
import { createMailSink } from '../../src/mail/createMailSink.js';
import { FileMailSink } from '../../src/mail/fileMailSink.js';
import { sampleEmailAction } from '../../src/mail/sampleEmailActions.js';
import type { OutboxRow, Store } from '../../src/store/types.js';

const logger = createLogger({ level: 'silent' });
const fixedNow = new Date('2026-12-01T10:11:12.345Z');

function outboxRow(id: number, action: EmailAction): OutboxRow {
  return {
    id,
    webhookId: `test-${id}`,
    shop: action.details.shop,
    orderId: action.details.orderId,
    type: 'email',
    dedupeKey: action.dedupeKey,
    action,
    status: 'in_flight',
    attempts: 1,
    nextAttemptAt: fixedNow,
    lastError: null,
    result: null,
    createdAt: fixedNow,
    updatedAt: fixedNow,
  };
}

describe('FileMailSink', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'spar-bridge-mail-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function mailConfig(overrides: Partial<Config['mail']> = {}): Config['mail'] {
    return {
      smtpUrl: undefined,
      from: 'spar-bridge <bridge@sample-furniture.test>',
      opsTo: ['owners@sample-furniture.test'],
      devTo: ['dev@sample-furniture.test'],
      dir: path.join(dir, 'mail'),
      ...overrides,
    };
  }

  // The sinks never use the store; the context only needs to satisfy the interface.
  const context = { store: {} as Store, logger };

  it('writes a parseable .eml file', async () => {
    const sink = createMailSink({ mail: mailConfig(), clock: () => fixedNow });
    expect(sink).toBeInstanceOf(FileMailSink);

    const result = await sink.deliver(
      outboxRow(1, sampleEmailAction('partial_fulfillment')),
      context,
    );

    expect(result.status).toBe('done');
    const files = await readdir(path.join(dir, 'mail'));
    expect(files).toEqual(['2026-12-01T10-11-12-345Z-partial_fulfillment-1001.eml']);
    const parsed = await simpleParser(await readFile(path.join(dir, 'mail', files[0]!)));
    expect(parsed.headers.get('x-spar-bridge-kind')).toBe('partial_fulfillment');
    expect(parsed.subject).toContain('#1001');
    expect(parsed.text).toContain('Not shipped yet');
    expect(parsed.html).toContain('CHAIR-ERGO-BLK');
    expect(parsed.messageId).toMatch(
      /^<partial_fulfillment\.[0-9a-f]{32}@sample-furniture\.test>$/,
    );
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    expect(to.flatMap((address) => address?.value.map((entry) => entry.address))).toEqual([
      'owners@sample-furniture.test',
    ]);
  });

  it('never overwrites an existing file', async () => {
    const sink = new FileMailSink({ mail: mailConfig(), clock: () => fixedNow });
    const action = sampleEmailAction('order_received');

    await sink.deliver(outboxRow(1, action), context);
    await sink.deliver(outboxRow(2, action), context);

    const files = (await readdir(path.join(dir, 'mail'))).sort();
    expect(files).toEqual([
      '2026-12-01T10-11-12-345Z-order_received-1001-2.eml',
      '2026-12-01T10-11-12-345Z-order_received-1001.eml',
    ]);
  });

  it('writes without configured recipients', async () => {
    const sink = new FileMailSink({
      mail: mailConfig({ opsTo: [], devTo: [] }),
      clock: () => fixedNow,
    });

    const result = await sink.deliver(outboxRow(1, sampleEmailAction('liveness_ok')), context);

    expect(result.status).toBe('done');
    const files = await readdir(path.join(dir, 'mail'));
    expect(files).toEqual(['2026-12-01T10-11-12-345Z-liveness_ok-no-order.eml']);
  });

  it('retries when the folder cannot be written', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'a file where the mail folder should be');
    const sink = new FileMailSink({ mail: mailConfig({ dir: blocker }), clock: () => fixedNow });

    const result = await sink.deliver(outboxRow(1, sampleEmailAction('order_received')), context);

    expect(result.status).toBe('retry');
  });
});
