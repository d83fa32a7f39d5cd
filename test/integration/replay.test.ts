import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { readMessageFile } from '../../src/ingress/messageFiles.js';
import { createLogger } from '../../src/log/logger.js';
import { createStore } from '../../src/store/createStore.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const messagesDir = path.join(repoRoot, 'fixtures/messages');
const examplesDir = path.join(repoRoot, 'fixtures/examples');
const logger = createLogger({ level: 'silent', pretty: false });

/** SKUs as the bundled catalog spells them. */
const catalogSkus = [
  'DESK-72-ASM',
  'DESK-60-ASM',
  'CHAIR-ERGO-ASM',
  'WARDROBE-2D-ASM',
  'BED-QUEEN-ASM',
];

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface ReplayLine {
  messageId: string | null;
  webhookId: string;
  topic: string | null;
  orderId: string | null;
  outcome: string;
  actions: Record<string, unknown>[];
  explanation: string;
}

interface Workspace {
  dir: string;
  databaseFile: string;
  mailDir: string;
  env: Record<string, string>;
}

async function workspace(context: TestContext): Promise<Workspace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spar-bridge-replay-'));
  context.onTestFinished(async (finished) => {
    if (finished.task.result?.state === 'fail' && finished.task.fails !== true) {
      process.stderr.write(`kept replay test folder ${dir}\n`);
      return;
    }
    await rm(dir, { recursive: true, force: true });
  });
  const databaseFile = path.join(dir, 'replay.db');
  const mailDir = path.join(dir, 'mail');
  return {
    dir,
    databaseFile,
    mailDir,
    env: { DATABASE_URL: `sqlite:${databaseFile}`, MAIL_DIR: mailDir },
  };
}

/** Runs `spar-bridge` from source through tsx, so the test does not depend on a build. */
function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        LOG_LEVEL: 'silent',
        METADATA_SERVER_DETECTION: 'none',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function resultLines(stdout: string): ReplayLine[] {
  return jsonLines(stdout).filter((line) => !('delivery' in line)) as unknown as ReplayLine[];
}

/** Formats one action as a short string, such as `spar.create DESK-72-ASM x1 @149.00`. */
function describeAction(action: Record<string, unknown>): string {
  if (action.type === 'email') return `email ${String(action.kind)}`;
  if (action.type === 'spar.cancel') return `spar.cancel ${String(action.reason)}`;
  const items = action.items as { sku: string; quantity: number; assemblyPrice: string }[];
  return `spar.create ${items.map((item) => `${item.sku} x${item.quantity} @${item.assemblyPrice}`).join(', ')}`;
}

function describeLine(line: ReplayLine): string {
  return [line.topic, line.outcome, ...line.actions.map(describeAction)].join(' | ');
}

/** Outcomes of the bundled fixtures replayed in name order into one database. */
const expectedFixtureLines: Record<string, string[]> = {
  '01-single-leg.ndjson': [
    'orders/create | applied | email order_received',
    'orders/fulfilled | applied | spar.create DESK-72-ASM x1 @149.00 | email spar_posted',
  ],
  '02-several-legs.ndjson': [
    'orders/create | applied | email order_received',
    'orders/partially_fulfilled | applied | email partial_fulfillment',
    'fulfillments/create | applied | spar.create DESK-60-ASM x1 @129.00, CHAIR-ERGO-ASM x2 @49.00 | email spar_posted',
    'orders/fulfilled | applied',
  ],
  '03-backordered-lamp.ndjson': [
    'orders/create | applied | email order_received',
    'orders/partially_fulfilled | applied | spar.create WARDROBE-2D-ASM x1 @1299.00 | email spar_posted',
  ],
  '04-outside-coverage.ndjson': [
    'orders/create | applied | email order_received | email outside_coverage',
    'orders/fulfilled | applied',
  ],
  '05-zip-formats.ndjson': [
    'orders/create | applied | email order_received',
    'orders/fulfilled | applied | spar.create CHAIR-ERGO-ASM x1 @49.00 | email spar_posted',
    'orders/create | applied | email order_received',
    'orders/fulfilled | applied | spar.create DESK-72-ASM x1 @149.00 | email spar_posted',
  ],
  '06-no-assembly.ndjson': [
    'orders/create | applied | email order_received_no_assembly',
    'orders/fulfilled | applied',
  ],
  '07-cancel-before-posting.ndjson': [
    'orders/create | applied | email order_received',
    'orders/cancelled | applied',
    'orders/fulfilled | stale',
  ],
  '08-cancel-after-posting.ndjson': [
    'orders/create | applied | email order_received',
    'orders/fulfilled | applied | spar.create CHAIR-ERGO-ASM x2 @49.00 | email spar_posted',
    'orders/cancelled | applied | spar.cancel customer | email spar_cancelled',
  ],
  '09-duplicate-delivery.ndjson': [
    'orders/create | applied | email order_received',
    'orders/fulfilled | applied | spar.create DESK-72-ASM x1 @149.00 | email spar_posted',
    'orders/fulfilled | duplicate',
  ],
  '10-out-of-order.ndjson': [
    'orders/fulfilled | applied | email order_received | spar.create DESK-72-ASM x1 @149.00, CHAIR-ERGO-ASM x1 @49.00 | email spar_posted',
    'orders/create | stale',
    'orders/partially_fulfilled | stale',
  ],
  '11-malformed.ndjson': [
    'orders/create | rejected | email error',
    'orders/create | rejected | email error',
    'orders/create | rejected | email error',
    'products/update | ignored',
  ],
  '12-sku-variants.ndjson': [
    'orders/create | applied | email order_received',
    'orders/fulfilled | applied | spar.create DESK-72-ASM x1 @149.00 | email spar_posted',
  ],
};

const fixtureFiles = Object.keys(expectedFixtureLines);

// Each test starts one or two Node processes that compile the CLI with tsx, which takes
// seconds on a loaded machine, so the tests get more time than the default.
describe('replay command', { timeout: 90_000 }, () => {
  describe('every bundled fixture', () => {
    const files = fixtureFiles.map((file) => path.join(messagesDir, file));
    let run: CliRun;

    beforeAll(async () => {
      // A dry run writes nothing, so the database and mail folder need not exist.
      const dir = path.join(tmpdir(), 'spar-bridge-replay-unused');
      run = await runCli(['replay', '--dry-run', '--json', ...files], {
        DATABASE_URL: `sqlite:${path.join(dir, 'replay.db')}`,
        MAIL_DIR: path.join(dir, 'mail'),
      });
    }, 90_000);

    it('json lines follow input order', async () => {
      const inputMessages = (await Promise.all(files.map((file) => readMessageFile(file)))).flat();

      expect(run.code).toBe(0);
      const lines = resultLines(run.stdout);
      expect(lines.map((line) => line.messageId)).toEqual(
        inputMessages.map((message) => message.messageId),
      );
      expect(lines.map(describeLine)).toEqual(Object.values(expectedFixtureLines).flat());
    });

    it('json lines have exactly the fields', () => {
      const lines = resultLines(run.stdout);

      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(Object.keys(line).sort()).toEqual(
          [
            'actions',
            'explanation',
            'messageId',
            'orderId',
            'outcome',
            'topic',
            'webhookId',
          ].sort(),
        );
        expect(['applied', 'duplicate', 'stale', 'ignored', 'rejected']).toContain(line.outcome);
        expect(typeof line.webhookId).toBe('string');
        expect(line.explanation).not.toBe('');
      }
    });

    it('json actions have exact shapes', () => {
      const lines = resultLines(run.stdout);
      const actions = lines.flatMap((line) => line.actions.map((action) => ({ line, action })));

      expect(actions.length).toBeGreaterThan(0);
      for (const { line, action } of actions) {
        if (action.type === 'email') {
          expect(Object.keys(action).sort()).toEqual(['kind', 'type']);
          expect(typeof action.kind).toBe('string');
        } else if (action.type === 'spar.cancel') {
          expect(Object.keys(action).sort()).toEqual(['orderId', 'reason', 'type']);
          expect(action.orderId).toBe(line.orderId);
          expect(typeof action.reason).toBe('string');
        } else {
          expect(action.type).toBe('spar.create');
          expect(Object.keys(action).sort()).toEqual(['items', 'orderId', 'type']);
          expect(action.orderId).toBe(line.orderId);
          for (const item of action.items as Record<string, unknown>[]) {
            expect(Object.keys(item).sort()).toEqual(['assemblyPrice', 'quantity', 'sku']);
            expect(catalogSkus).toContain(item.sku);
            expect(item.assemblyPrice).toMatch(/^\d+\.\d{2}$/);
            expect(Number.isInteger(item.quantity)).toBe(true);
          }
        }
      }
    });

    it('dry run writes nothing', () => {
      expect(existsSync(path.join(tmpdir(), 'spar-bridge-replay-unused'))).toBe(false);
    });
  });

  it('gcloud pull JSON is read', async (context) => {
    const { env } = await workspace(context);

    const run = await runCli(
      ['replay', '--dry-run', '--json', path.join(examplesDir, 'gcloud-pull.json')],
      env,
    );

    expect(run.code).toBe(0);
    const lines = resultLines(run.stdout);
    expect(lines.map((line) => line.messageId)).toEqual(['17012049090000001', '17012049090000002']);
    expect(lines.map(describeLine)).toEqual([
      'orders/create | applied | email order_received',
      'orders/fulfilled | applied | spar.create DESK-72-ASM x1 @149.00 | email spar_posted',
    ]);
    expect(lines.map((line) => line.orderId)).toEqual(['6512049001016', '6512049001016']);
  });

  it('bare body needs --topic', async (context) => {
    const { env } = await workspace(context);
    const body = path.join(examplesDir, 'order-create-body.json');

    const run = await runCli(
      ['replay', '--dry-run', '--json', '--topic', 'orders/create', body],
      env,
    );

    expect(run.code).toBe(0);
    const [line, ...rest] = resultLines(run.stdout);
    expect(rest).toEqual([]);
    expect(line?.messageId).toBeNull();
    expect(line?.topic).toBe('orders/create');
    expect(line?.orderId).toBe('6512049001017');
    expect(line?.outcome).toBe('applied');
    expect(line?.webhookId).toMatch(/^sha256:[0-9a-f]{32}$/);
  });

  it('bare body without --topic fails', async (context) => {
    const { env } = await workspace(context);
    const body = path.join(examplesDir, 'order-create-body.json');

    const run = await runCli(['replay', '--dry-run', '--json', body], env);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--topic');
    expect(run.stdout).toBe('');
  });

  it('second run finds only duplicates', async (context) => {
    const { env } = await workspace(context);
    const file = path.join(messagesDir, '08-cancel-after-posting.ndjson');

    const first = await runCli(['replay', '--json', file], env);
    const second = await runCli(['replay', '--json', file], env);

    expect(first.code).toBe(0);
    expect(resultLines(first.stdout).map((line) => line.outcome)).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
    expect(second.code).toBe(0);
    const again = resultLines(second.stdout);
    expect(again.map((line) => line.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.flatMap((line) => line.actions)).toEqual([]);
  });

  it('state carries over between files', async (context) => {
    const { env, dir } = await workspace(context);
    const create = path.join(dir, 'create.ndjson');
    const fulfilled = path.join(dir, 'fulfilled.ndjson');
    const [createLine, fulfilledLine] = (
      await readFile(path.join(messagesDir, '01-single-leg.ndjson'), 'utf8')
    ).split('\n');
    await writeFile(create, `${createLine}\n`);
    await writeFile(fulfilled, `${fulfilledLine}\n`);

    await runCli(['replay', '--json', create], env);
    const run = await runCli(['replay', '--json', fulfilled], env);

    const [line] = resultLines(run.stdout);
    expect(line?.outcome).toBe('applied');
    expect(line?.actions.map(describeAction)).toEqual([
      'spar.create DESK-72-ASM x1 @149.00',
      'email spar_posted',
    ]);
    expect(line?.explanation).not.toContain('received');
  });

  it('dry run leaves database untouched', async (context) => {
    const { env, databaseFile, mailDir } = await workspace(context);
    const recorded = path.join(messagesDir, '01-single-leg.ndjson');
    const dryRun = path.join(messagesDir, '02-several-legs.ndjson');
    await runCli(['replay', '--json', recorded], env);
    const emlBefore = await emlFiles(mailDir);

    const run = await runCli(['replay', '--dry-run', '--json', dryRun], env);

    expect(run.code).toBe(0);
    expect(resultLines(run.stdout)).toHaveLength(4);
    expect(jsonLines(run.stdout).filter((line) => 'delivery' in line)).toEqual([]);
    expect(await emlFiles(mailDir)).toEqual(emlBefore);
    const store = await createStore({ databaseUrl: `sqlite:${databaseFile}`, logger });
    context.onTestFinished(() => store.close());
    const events = await store.listEvents();
    expect(events).toHaveLength(2);
    expect(await store.listEvents({ orderId: '6512049001002' })).toEqual([]);
    expect(await store.listActions({ orderId: '6512049001002' })).toEqual([]);
  });

  it('dry run decides from stored state', async (context) => {
    const { env, dir, databaseFile } = await workspace(context);
    const create = path.join(dir, 'create.ndjson');
    const whole = path.join(messagesDir, '01-single-leg.ndjson');
    const [createLine] = (await readFile(whole, 'utf8')).split('\n');
    await writeFile(create, `${createLine}\n`);
    await runCli(['replay', '--json', create], env);

    const run = await runCli(['replay', '--dry-run', '--json', whole], env);

    expect(run.code).toBe(0);
    const [createResult, fulfilledResult] = resultLines(run.stdout);
    expect(createResult?.outcome).toBe('duplicate');
    expect(fulfilledResult?.outcome).toBe('applied');
    expect(fulfilledResult?.actions.map(describeAction)).toEqual([
      'spar.create DESK-72-ASM x1 @149.00',
      'email spar_posted',
    ]);
    const store = await createStore({ databaseUrl: `sqlite:${databaseFile}`, logger });
    context.onTestFinished(() => store.close());
    expect(await store.listEvents()).toHaveLength(1);
    expect(await store.listActions({ status: 'pending' })).toEqual([]);
  });

  it('dry run never writes the file', async (context) => {
    const { env, databaseFile } = await workspace(context);
    const whole = path.join(messagesDir, '01-single-leg.ndjson');
    await runCli(['replay', '--json', whole], env);
    // A rollback-journal file: a writer would switch it to WAL and change its bytes.
    const database = new DatabaseSync(databaseFile);
    database.exec('pragma journal_mode = delete');
    database.close();
    const sha256 = async () =>
      createHash('sha256')
        .update(await readFile(databaseFile))
        .digest('hex');
    const before = await sha256();

    const run = await runCli(['replay', '--dry-run', '--json', whole], env);

    expect(run.code).toBe(0);
    expect(await sha256()).toBe(before);
    expect(existsSync(`${databaseFile}-wal`)).toBe(false);
  });

  it('dry run leaves no WAL files', async (context) => {
    const { env, databaseFile } = await workspace(context);
    const whole = path.join(messagesDir, '01-single-leg.ndjson');
    await runCli(['replay', '--json', whole], env);
    expect(existsSync(`${databaseFile}-wal`)).toBe(false);

    const run = await runCli(['replay', '--dry-run', '--json', whole], env);

    expect(run.code).toBe(0);
    expect(resultLines(run.stdout).map((line) => line.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(existsSync(`${databaseFile}-wal`)).toBe(false);
    expect(existsSync(`${databaseFile}-shm`)).toBe(false);
  });

  it('dry run on an empty file', async (context) => {
    const { env, databaseFile } = await workspace(context);
    await writeFile(databaseFile, '');

    const run = await runCli(
      ['replay', '--dry-run', '--json', path.join(messagesDir, '01-single-leg.ndjson')],
      env,
    );

    expect(run.code).toBe(0);
    expect(resultLines(run.stdout).map((line) => line.outcome)).toEqual(['applied', 'applied']);
    expect((await readFile(databaseFile)).length).toBe(0);
  });

  it('blank state decides history again', async (context) => {
    const { env } = await workspace(context);
    const whole = path.join(messagesDir, '01-single-leg.ndjson');
    await runCli(['replay', '--json', whole], env);

    const run = await runCli(['replay', '--dry-run', '--blank-state', '--json', whole], env);

    expect(run.code).toBe(0);
    const lines = resultLines(run.stdout);
    expect(lines.map((line) => line.outcome)).toEqual(['applied', 'applied']);
    expect(lines[1]?.actions.map(describeAction)).toContain('email spar_posted');
  });

  it('dry run creates no files', async (context) => {
    const { env, databaseFile, mailDir } = await workspace(context);

    const run = await runCli(
      ['replay', '--dry-run', path.join(messagesDir, '01-single-leg.ndjson')],
      env,
    );

    expect(run.code).toBe(0);
    expect(existsSync(databaseFile)).toBe(false);
    expect(await emlFiles(mailDir)).toEqual([]);
  });

  it('real run writes emails', async (context) => {
    const { env, mailDir } = await workspace(context);

    const run = await runCli(
      ['replay', '--json', path.join(messagesDir, '08-cancel-after-posting.ndjson')],
      env,
    );

    expect(run.code).toBe(0);
    const emails = await emlFiles(mailDir);
    expect(emails.filter((name) => name.includes('order_received'))).toHaveLength(1);
    expect(emails.filter((name) => name.includes('spar_posted'))).toHaveLength(1);
    expect(emails.filter((name) => name.includes('spar_cancelled'))).toHaveLength(1);
    expect(emails).toHaveLength(3);
    expect(jsonLines(run.stdout).filter((line) => 'delivery' in line)).toEqual([]);
    const deliveries = jsonLines(run.stderr)
      .filter((line) => 'delivery' in line)
      .map((line) => line.delivery as { action: string; status: string });
    expect(deliveries.map((delivery) => delivery.action).sort()).toEqual([
      'email:order_received',
      'email:spar_cancelled',
      'email:spar_posted',
      'spar.cancel',
      'spar.create',
    ]);
    expect(deliveries.every((delivery) => delivery.status === 'done')).toBe(true);
  });

  it('readable output without --json', async (context) => {
    const { env } = await workspace(context);

    const run = await runCli(['replay', path.join(messagesDir, '01-single-leg.ndjson')], env);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('#1 orders/create order 6512049001001: applied');
    expect(run.stdout).toContain('#2 orders/fulfilled order 6512049001001: applied');
    expect(run.stdout).toContain('SPAR job [DESK-72-ASM x1 @ 149.00]');
    expect(run.stdout).toMatch(/delivery spar\.create .*: done/);
    expect(run.stdout).toMatch(/delivery email:spar_posted .*: done/);
  });

  it('malformed file fails clearly', async (context) => {
    const { env, dir } = await workspace(context);
    const file = path.join(dir, 'broken.ndjson');
    const good = (await readFile(path.join(messagesDir, '01-single-leg.ndjson'), 'utf8')).split(
      '\n',
    )[0];
    await writeFile(file, `${good}\n{"data": "eyJpZCI6\n`);

    const run = await runCli(['replay', '--json', file], env);

    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain('line 2');
    expect(run.stderr).toContain('invalid JSON');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('malformed later file leaves nothing pending', async (context) => {
    const { env, dir, databaseFile } = await workspace(context);
    const broken = path.join(dir, 'broken.ndjson');
    await writeFile(broken, 'not JSON\n');

    const run = await runCli(
      ['replay', '--json', path.join(messagesDir, '01-single-leg.ndjson'), broken],
      env,
    );

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(broken);
    const store = await createStore({ databaseUrl: `sqlite:${databaseFile}`, logger });
    context.onTestFinished(() => store.close());
    await store.migrate();
    expect(await store.listEvents()).toEqual([]);
    expect(await store.listActions({ status: 'pending' })).toEqual([]);
  });

  it('json output stays JSON on timeout', async (context) => {
    const { env } = await workspace(context);
    const spar = await startUnavailableSpar();
    context.onTestFinished(() => closeServer(spar));
    const port = (spar.address() as AddressInfo).port;

    const run = await runCli(
      ['replay', '--json', '--wait-seconds', '1', path.join(messagesDir, '01-single-leg.ndjson')],
      { ...env, SPAR_BASE_URL: `http://127.0.0.1:${port}`, SPAR_API_KEY: 'test-key' },
    );

    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const reports = jsonLines(run.stderr);
    expect(reports.some((line) => 'warning' in line)).toBe(true);
  });

  it('missing file fails clearly', async (context) => {
    const { env, dir } = await workspace(context);
    const file = path.join(dir, 'no-such-file.ndjson');

    const run = await runCli(['replay', '--json', file], env);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(file);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('invalid config lists every problem', async (context) => {
    const { dir } = await workspace(context);

    const run = await runCli(['replay', '--json', path.join(messagesDir, '01-single-leg.ndjson')], {
      DATABASE_URL: 'mysql://x',
      SPAR_TIMEOUT_MS: 'abc',
      MAIL_DIR: path.join(dir, 'mail'),
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL');
    expect(run.stderr).toContain('SPAR_TIMEOUT_MS');
    expect(run.stderr).toContain('2 problems');
    expect(run.stdout).toBe('');
  });
});

async function emlFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((name) => name.endsWith('.eml')).sort();
}

/** Starts a SPAR stand-in on loopback that responds to every request with 503, a retriable error. */
async function startUnavailableSpar(): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '60' });
    response.end('{"error":"unavailable"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}
