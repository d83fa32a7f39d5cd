import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { createStore } from '../../src/store/createStore.js';
import type { OutboxRow } from '../../src/store/types.js';

const logger = createLogger({ level: 'silent', pretty: false });

/** Orders of the bundled fixtures that end with a SPAR job. */
const postedOrderIds = [
  '6512049001001',
  '6512049001002',
  '6512049001003',
  '6512049001005',
  '6512049001006',
  '6512049001009',
  '6512049001010',
  '6512049001011',
  '6512049001015',
];

/** Each business rule and the text that shows it fired in the demo's tables. */
const rulesFired = [
  { rule: 'order_received', shown: /applied +email order_received[ ,]/ },
  { rule: 'order_received_no_assembly', shown: /email order_received_no_assembly/ },
  { rule: 'partial_fulfillment', shown: /email partial_fulfillment/ },
  { rule: 'spar.create', shown: /SPAR job \[DESK-72-ASM x1 @ 149\.00\]/ },
  { rule: 'spar_posted', shown: /email spar_posted/ },
  { rule: 'outside_coverage', shown: /email outside_coverage/ },
  { rule: 'spar.cancel', shown: /SPAR cancel \(customer\)/ },
  { rule: 'spar_cancelled', shown: /email spar_cancelled/ },
  { rule: 'duplicate', shown: /orders\/fulfilled +duplicate +- +webhook .* already processed/ },
  { rule: 'stale', shown: /orders\/create +stale +- +stale: updated_at/ },
  { rule: 'rejected', shown: /orders\/create +rejected +email error +.*line_items\[0\]\.quantity/ },
  { rule: 'ignored', shown: /products\/update +ignored +- +topic products\/update is not handled/ },
];

describe('demo', () => {
  let folder: string;
  let outputDir: string;
  let output: string;
  let exitCode: number;
  let rows: OutboxRow[];

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'spar-bridge-demo-'));
    outputDir = path.join(folder, 'demo');
    const lines: string[] = [];
    const config = loadConfig({ MAIL_DIR: path.join(folder, 'unused-mail') });

    exitCode = await runDemo(config, logger, { outputDir }, (line) => lines.push(line));
    output = lines.join('\n');

    const store = await createStore({
      databaseUrl: `sqlite:${path.join(outputDir, 'spar-bridge-demo.db')}`,
      logger,
    });
    try {
      rows = await store.listActions();
    } finally {
      await store.close();
    }
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('demo exits with zero', () => {
    expect(exitCode).toBe(0);
  });

  it('demo prints a table per order', () => {
    const named = [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1015];
    const rejectedWithoutName = [1013, 1014];

    for (const number of named)
      expect(output).toContain(`Order #${number} (id 651204900${number})`);
    for (const number of rejectedWithoutName)
      expect(output).toContain(`Order (name unknown) (id 651204900${number})`);
    expect(output).toContain('Messages without a usable order id');
    const tableHeaders = output.split('\n').filter((line) => /^ +# +topic +outcome/.test(line));
    expect(tableHeaders).toHaveLength(named.length + rejectedWithoutName.length + 1);
  });

  it.each(rulesFired)('demo shows $rule firing', ({ shown }) => {
    expect(output).toMatch(shown);
  });

  it('outbox has one job per posted order', () => {
    const jobs = rows.filter((row) => row.type === 'spar.create');

    expect(jobs).toHaveLength(9);
    expect(jobs.map((row) => row.orderId).sort()).toEqual(postedOrderIds);
  });

  it('outbox has one SPAR cancellation', () => {
    const cancels = rows.filter((row) => row.type === 'spar.cancel');

    expect(cancels).toHaveLength(1);
    expect(cancels[0]?.orderId).toBe('6512049001009');
    expect(cancels[0]?.action).toMatchObject({ reason: 'customer' });
  });

  it('demo delivers every SPAR action', () => {
    const spar = rows.filter((row) => row.type !== 'email');

    expect(spar.map((row) => row.status)).toEqual(spar.map(() => 'done'));
  });

  it('demo writes business emails', async () => {
    const mailDir = path.join(outputDir, 'mail');
    const files = await readdir(mailDir);

    for (const kind of [
      'order_received',
      'order_received_no_assembly',
      'partial_fulfillment',
      'spar_posted',
      'outside_coverage',
      'spar_cancelled',
    ]) {
      expect(files.some((file) => file.includes(`-${kind}-`))).toBe(true);
    }
    expect(existsSync(path.join(folder, 'unused-mail'))).toBe(false);
  });

  it('demo prints where outputs are', () => {
    expect(output).toContain(path.join(outputDir, 'spar-bridge-demo.db'));
    expect(output).toContain(path.join(outputDir, 'mail'));
    expect(output).toMatch(/Summary: .*9 SPAR jobs, 1 SPAR cancellations/);
  });

  it('second run starts from empty state', async () => {
    const summary = output.split('\n').find((line) => line.startsWith('Summary:'));
    const lines: string[] = [];

    const again = await runDemo(loadConfig({}), logger, { outputDir }, (line) => lines.push(line));

    expect(again).toBe(0);
    const againSummary = lines
      .join('\n')
      .split('\n')
      .find((line) => line.startsWith('Summary:'));
    expect(againSummary).toBe(summary);
  });
});
