import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { runLiveness, type RunLivenessOptions } from '../../src/liveness/runLiveness.js';
import { createStore } from '../../src/store/createStore.js';
import type { EventOutcome } from '../../src/store/types.js';
import { healthRouter } from '../../src/web/healthRouter.js';
import type { SubscriberHealth } from '../../src/worker/pubsubWorker.js';

const logger = createLogger({ level: 'silent' });
const devTo = 'dev@sample-furniture.test';
const opsTo = 'owners@sample-furniture.test';

interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

/** Starts a real SMTP server on loopback that records every message it accepts. */
async function startSmtpServer(port = 0): Promise<{
  port: number;
  received: ReceivedMail[];
  stop: () => Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 50,
    onData: (stream, session: SMTPServerSession, callback) => {
      simpleParser(stream)
        .then((parsed) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((to) => to.address), parsed });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

function subscriberHealth(stream: SubscriberHealth['stream']): SubscriberHealth {
  const now = new Date().toISOString();
  return {
    stream,
    lastMessageAt: now,
    lastAckAt: now,
    lastErrorAt: null,
    lastError: null,
    inFlight: 0,
    received: 3,
    acked: 3,
    nacked: 0,
    reopenCount: 0,
    lastProbeAt: now,
    probeError: null,
  };
}

/**
 * Serves the worker's real health router on loopback, over a subscriber whose stream state
 * the test sets: `open` returns 200, `closed` returns 503 with the problem.
 */
async function startHealthServer(stream: SubscriberHealth['stream']): Promise<{
  url: string;
  stop: () => Promise<void>;
}> {
  const app = express();
  app.use(
    healthRouter({
      subscriber: () => subscriberHealth(stream),
      backlog: () =>
        Promise.resolve({ pending: 0, inFlight: 0, inDoubt: 0, failed: 0, oldestPendingAt: null }),
      dispatcherLastStepAt: () => new Date(),
      idleWarningMs: 24 * 60 * 60_000,
    }),
  );
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error === undefined) resolve(listening);
      else reject(error);
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** Returns the URL of a loopback port that was just released, so nothing listens on it. */
async function closedPortUrl(): Promise<string> {
  const health = await startHealthServer('open');
  await health.stop();
  return health.url;
}

/** Records events with the given outcomes in the database, as the worker would have. */
async function seedEvents(databaseUrl: string, outcomes: Exclude<EventOutcome, 'duplicate'>[]) {
  const store = await createStore({ databaseUrl, logger });
  await store.migrate();
  for (const [index, outcome] of outcomes.entries()) {
    await store.recordEvent(
      {
        webhookId: `liveness-test-${index}`,
        messageId: String(index),
        topic: 'orders/create',
        shop: 'sample-furniture.myshopify.com',
        orderId: String(5_800_000_000_000 + index),
        body: '{}',
        deliveryAttempt: 1,
        receivedAt: new Date(),
      },
      () => ({ outcome, explanation: 'seeded by the liveness test', actions: [] }),
    );
  }
  await store.close();
}

describe('runLiveness', () => {
  let folder: string;
  let databaseUrl: string;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let stdout: string[];
  let stderr: string[];

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'spar-bridge-liveness-'));
    databaseUrl = `sqlite:${path.join(folder, 'store.db')}`;
    smtp = await startSmtpServer();
    stdout = [];
    stderr = [];
  });

  afterEach(async () => {
    await smtp.stop();
    await rm(folder, { recursive: true, force: true });
  });

  function smtpConfig(env: NodeJS.ProcessEnv = {}): Readonly<Config> {
    return loadConfig({
      DATABASE_URL: databaseUrl,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'spar-bridge <bridge@sample-furniture.test>',
      MAIL_OPS_TO: opsTo,
      MAIL_DEV_TO: devTo,
      LOG_LEVEL: 'silent',
      ...env,
    });
  }

  function run(config: Readonly<Config>, options: RunLivenessOptions): Promise<number> {
    return runLiveness(config, logger, {
      waitSeconds: 10,
      healthTimeoutMs: 2_000,
      print: (line) => stdout.push(line),
      printError: (line) => stderr.push(line),
      ...options,
    });
  }

  function kindOf(mail: ReceivedMail): unknown {
    return mail.parsed.headers.get('x-spar-bridge-kind');
  }

  it('healthy worker sends liveness_ok', async () => {
    await seedEvents(databaseUrl, ['applied', 'applied', 'ignored']);
    const health = await startHealthServer('open');

    const exitCode = await run(smtpConfig(), { healthUrl: health.url });
    await health.stop();

    expect(exitCode).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(kindOf(mail)).toBe('liveness_ok');
    expect(mail.envelopeTo).toEqual([devTo]);
    expect(mail.parsed.subject).toBe('spar-bridge is running: daily check passed');
    expect(mail.parsed.text).toContain('All liveness checks passed.');
    expect(mail.parsed.text).toContain(
      'Events received in the last 24 hours: 3 (applied 2, ignored 1)',
    );
    expect(mail.parsed.text).toContain('Subscription: stream open, 3 received, 3 acked');
    expect(mail.parsed.text).toContain('Outbox: 0 pending, 0 in flight, 0 in doubt, 0 failed');
    expect(stdout).toEqual([`liveness_ok sent to ${devTo} by SMTP: All liveness checks passed.`]);
    expect(stderr).toEqual([]);
  });

  it('unhealthy worker sends liveness_down', async () => {
    const health = await startHealthServer('closed');

    const exitCode = await run(smtpConfig(), { healthUrl: health.url });
    await health.stop();

    expect(exitCode).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(kindOf(mail)).toBe('liveness_down');
    expect(mail.envelopeTo).toEqual([devTo]);
    expect(mail.parsed.subject).toBe(
      'spar-bridge is DOWN: worker unhealthy: subscription stream is closed',
    );
    expect(mail.parsed.text).toContain('HTTP 503, status unhealthy');
    expect(mail.parsed.text).toContain('no event received in the last 24 hours');
  });

  it('worker down sends liveness_down', async () => {
    const healthUrl = await closedPortUrl();

    const exitCode = await run(smtpConfig(), { healthUrl });

    expect(exitCode).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(kindOf(mail)).toBe('liveness_down');
    expect(mail.parsed.subject).toContain('spar-bridge is DOWN: worker unreachable at');
    expect(mail.parsed.text).toContain(`worker unreachable at ${healthUrl}: connect ECONNREFUSED`);
    expect(stdout).toHaveLength(1);
    expect(stdout[0]).toMatch(
      /^liveness_down sent to dev@sample-furniture\.test by SMTP: worker unreachable at /,
    );
  });

  it('second run same day sends nothing', async () => {
    const health = await startHealthServer('open');
    const config = smtpConfig();
    // One fixed time for both runs and the assertion, so the test cannot straddle midnight UTC.
    const checkedAt = new Date();
    const clock = () => checkedAt;

    const first = await run(config, { healthUrl: health.url, clock });
    const second = await run(config, { healthUrl: health.url, clock });
    await health.stop();

    expect(first).toBe(0);
    expect(second).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const day = checkedAt.toISOString().slice(0, 10);
    expect(stdout[1]).toBe(`liveness_ok for ${day} was already sent earlier today; nothing sent`);
  });

  it('next day sends again', async () => {
    const health = await startHealthServer('open');
    const config = smtpConfig();

    await run(config, { healthUrl: health.url, clock: () => new Date() });
    await run(config, {
      healthUrl: health.url,
      clock: () => new Date(Date.now() + 24 * 60 * 60_000),
    });
    await health.stop();

    expect(smtp.received.map(kindOf)).toEqual(['liveness_ok', 'liveness_ok']);
  });

  it('file sink writes the email', async () => {
    const mailDir = path.join(folder, 'mail');
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      MAIL_DIR: mailDir,
      MAIL_DEV_TO: devTo,
      LOG_LEVEL: 'silent',
    });

    const exitCode = await run(config, { healthUrl: await closedPortUrl() });

    expect(exitCode).toBe(1);
    const files = await readdir(mailDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/-liveness_down-no-order\.eml$/);
    const eml = await readFile(path.join(mailDir, files[0]!), 'utf8');
    expect(eml).toContain('X-Spar-Bridge-Kind: liveness_down');
    expect(stdout[0]).toContain(`written to ${path.join(mailDir, files[0]!)}`);
  });

  it('SMTP down exits 2, next run delivers', async () => {
    const port = smtp.port;
    await smtp.stop();
    const health = await startHealthServer('open');
    const config = smtpConfig();
    const checkedAt = new Date();
    const clock = () => checkedAt;

    const whileDown = await run(config, { healthUrl: health.url, waitSeconds: 1, clock });
    const downStdout = [...stdout];
    const downStderr = [...stderr];
    stdout.length = 0;
    smtp = await startSmtpServer(port);
    const afterRestart = await run(config, { healthUrl: health.url, clock });
    await health.stop();

    expect(whileDown).toBe(2);
    expect(downStdout).toEqual([]);
    expect(downStderr).toHaveLength(1);
    expect(downStderr[0]).toMatch(/^liveness_ok was not delivered within 1 s \(last error: .+\)/);
    expect(afterRestart).toBe(0);
    expect(smtp.received.map(kindOf)).toEqual(['liveness_ok']);
    const day = checkedAt.toISOString().slice(0, 10);
    expect(stdout[0]).toMatch(
      new RegExp(`^liveness_ok for ${day}, queued by an earlier run, sent to ${devTo} by SMTP`),
    );
  });

  it('unusable database exits 2', async () => {
    const notAFolder = path.join(folder, 'plain-file');
    await writeFile(notAFolder, '');
    const config = smtpConfig({ DATABASE_URL: `sqlite:${path.join(notAFolder, 'store.db')}` });

    const exitCode = await run(config, { healthUrl: await closedPortUrl() });

    expect(exitCode).toBe(2);
    expect(smtp.received).toHaveLength(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^liveness check could not run: /);
  });
});
