import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/app/runtime.js';
import { listOutbox, retryOutbox } from '../../src/cli/outboxCommand.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { readMessageFile } from '../../src/ingress/messageFiles.js';
import { createLogger } from '../../src/log/logger.js';
import { startMockSpar, type MockSpar } from '../../src/spar/mockSparServer.js';

const logger = createLogger({ level: 'silent' });
const singleLeg = path.resolve('fixtures/messages/01-single-leg.ndjson');

describe('outbox commands', () => {
  let dir: string;
  let spar: MockSpar;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'spar-bridge-outbox-'));
    spar = await startMockSpar({ apiKey: 'right-key' });
  });

  afterEach(async () => {
    await spar.close();
    await rm(dir, { recursive: true, force: true });
  });

  function configWithKey(apiKey: string): Readonly<Config> {
    return loadConfig({
      DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
      SPAR_BASE_URL: spar.url,
      SPAR_API_KEY: apiKey,
      MAIL_DIR: path.join(dir, 'mail'),
    });
  }

  /** Replays one order with a wrong SPAR key, so its job and spar_posted fail. */
  async function failWithWrongKey(): Promise<void> {
    const config = configWithKey('wrong-key');
    const runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
    for (const message of await readMessageFile(singleLeg)) await runtime.pipeline.process(message);
    await runtime.dispatcher.drain(10_000);
    await runtime.close();
  }

  it('lists failed actions', async () => {
    await failWithWrongKey();
    const lines: string[] = [];

    await listOutbox(configWithKey('right-key'), logger, { status: 'failed' }, (line) =>
      lines.push(line),
    );

    const text = lines.join('\n');
    expect(text).toContain('spar.create');
    expect(text).toContain('email spar_posted');
    expect(text).not.toContain('order_received');
  });

  it('retry posts after the key is fixed', async () => {
    await failWithWrongKey();
    expect(spar.jobs).toHaveLength(0);

    const code = await retryOutbox(
      configWithKey('right-key'),
      logger,
      { ids: [], allFailed: true, waitSeconds: 10 },
      () => undefined,
    );

    expect(code).toBe(0);
    expect(spar.jobs).toHaveLength(1);
    const mail = await readdir(path.join(dir, 'mail'));
    expect(mail.filter((file) => file.includes('spar_posted'))).toHaveLength(1);
  });

  it('retry by id takes the email along', async () => {
    await failWithWrongKey();
    const config = configWithKey('right-key');
    const runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
    const create = (await runtime.store.listActions({ status: 'failed' })).find(
      (row) => row.type === 'spar.create',
    );
    await runtime.close();
    const lines: string[] = [];

    await retryOutbox(config, logger, { ids: [create!.id], allFailed: false }, (line) =>
      lines.push(line),
    );

    expect(lines[0]).toContain('spar.create');
    expect(lines[0]).toContain('email spar_posted');
  });

  it('retry rejects an id that did not fail', async () => {
    await failWithWrongKey();

    await expect(
      retryOutbox(
        configWithKey('right-key'),
        logger,
        { ids: [9999], allFailed: false },
        () => undefined,
      ),
    ).rejects.toThrow('not failed or not found: 9999');
  });

  it('list rejects a missing database file', async () => {
    const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'typo.sqlite')}` });

    await expect(listOutbox(config, logger, {}, () => undefined)).rejects.toThrow(
      'no database file at',
    );
    expect(existsSync(path.join(dir, 'typo.sqlite'))).toBe(false);
  });

  it('retry with nothing failed says so', async () => {
    await failWithWrongKey();
    const config = configWithKey('right-key');
    await retryOutbox(
      config,
      logger,
      { ids: [], allFailed: true, waitSeconds: 10 },
      () => undefined,
    );
    const lines: string[] = [];

    const code = await retryOutbox(config, logger, { ids: [], allFailed: true }, (line) =>
      lines.push(line),
    );

    expect(code).toBe(0);
    expect(lines).toEqual(['no failed actions; nothing to retry']);
  });
});
