import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emulatorClient, startEmulator } from '../../src/emulator/index.js';
import {
  runMemory,
  runThroughput,
  type EmulatorBench,
  type MemoryRun,
  type ThroughputRun,
  type WorkerMode,
} from './emulatorRuns.js';
import { buildWorkerChild } from './buildWorker.js';
import { measureDecide, measurePipeline, type LatencySummary } from './latency.js';
import { loadOrderTemplates } from './orders.js';
import { productionNodeArgs, splitNodeArgs } from './productionNodeArgs.js';
import { progress } from './progress.js';

export interface BenchOptions {
  json: boolean;
  /** Orders per throughput run. Each order is two messages. */
  orders: number;
  /** Runs of each throughput side. The report gives the median. */
  runs: number;
  memoryBatches: number;
  memoryBatchOrders: number;
  latencyOrders: number;
  /** Node flags for each worker child. Defaults to `node_args` in ecosystem.config.cjs. */
  workerNodeArgs: string[];
}

export interface BenchReport {
  date: string;
  machine: {
    cpuModel: string;
    cores: number;
    memoryBytes: number;
    node: string;
    os: string;
    /** 1-minute load average at the start, because other processes on the machine share the CPU. */
    loadAverageAtStart: number;
  };
  options: BenchOptions;
  throughput: {
    runs: ThroughputRun[];
    medianPipelinePerSecond: number;
    medianAckOnlyPerSecond: number;
    /** Median pipeline rate over median ack-only rate. */
    ratio: number;
    /** The same ratio with the pipeline's time extended until its outbox was delivered. */
    ratioIncludingOutboxDrain: number;
  };
  memory: MemoryRun;
  latency: { decide: LatencySummary; pipeline: LatencySummary };
  seconds: number;
}

const projectId = 'spar-bridge-bench';

export function parseBenchOptions(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      orders: { type: 'string', default: '1000' },
      runs: { type: 'string', default: '3' },
      'memory-batches': { type: 'string', default: '5' },
      'memory-batch-orders': { type: 'string', default: '1000' },
      'latency-orders': { type: 'string', default: '5000' },
      'worker-node-args': { type: 'string' },
    },
  });
  return {
    json: values.json,
    orders: positiveInteger('--orders', values.orders),
    runs: positiveInteger('--runs', values.runs),
    memoryBatches: positiveInteger('--memory-batches', values['memory-batches']),
    memoryBatchOrders: positiveInteger('--memory-batch-orders', values['memory-batch-orders']),
    latencyOrders: positiveInteger('--latency-orders', values['latency-orders']),
    workerNodeArgs:
      values['worker-node-args'] === undefined
        ? productionNodeArgs()
        : splitNodeArgs(values['worker-node-args']),
  };
}

/** Runs every measurement and returns the report. Removes its temporary directories at the end. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const startedAt = performance.now();
  const machine = describeMachine();
  const workDir = mkdtempSync(join(tmpdir(), 'spar-bridge-bench-'));
  const build = buildWorkerChild();
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
  const publisher = emulatorClient(emulator.host, projectId);
  const bench: EmulatorBench = {
    emulator,
    publisher,
    projectId,
    templates: await loadOrderTemplates(),
    workDir,
    childPath: build.childPath,
    workerNodeArgs: options.workerNodeArgs,
  };
  progress(`emulator on ${emulator.host}; work directory ${workDir}`);
  progress(`worker node flags: ${options.workerNodeArgs.join(' ') || '(none)'}`);

  try {
    const latency = {
      decide: await measureDecide(bench.templates, options.latencyOrders),
      pipeline: await measurePipeline(bench.templates, options.latencyOrders, workDir),
    };
    progress(
      `latency: decide p99 ${latency.decide.p99Ms.toFixed(3)} ms, ` +
        `pipeline p99 ${latency.pipeline.p99Ms.toFixed(3)} ms`,
    );

    // Alternate the sides so a change in background load affects both alike.
    const runs: ThroughputRun[] = [];
    for (let run = 1; run <= options.runs; run++) {
      for (const mode of ['ack-only', 'pipeline'] as const) {
        const result = await runThroughput(bench, mode, run, options.orders);
        runs.push(result);
        progress(
          `throughput ${mode} run ${run}: ${result.messages} messages in ` +
            `${result.seconds.toFixed(2)} s, ${result.messagesPerSecond.toFixed(0)}/s, ` +
            `outbox drained ${result.outboxDrainSeconds.toFixed(2)} s after the last ack`,
        );
      }
    }

    const memory = await runMemory(bench, options.memoryBatches, options.memoryBatchOrders);

    const pipelineRates = ratesOf(runs, 'pipeline', false);
    const ackOnlyRates = ratesOf(runs, 'ack-only', false);
    return {
      date: new Date().toISOString(),
      machine,
      options,
      throughput: {
        runs,
        medianPipelinePerSecond: median(pipelineRates),
        medianAckOnlyPerSecond: median(ackOnlyRates),
        ratio: median(pipelineRates) / median(ackOnlyRates),
        ratioIncludingOutboxDrain: median(ratesOf(runs, 'pipeline', true)) / median(ackOnlyRates),
      },
      memory,
      latency,
      seconds: (performance.now() - startedAt) / 1000,
    };
  } finally {
    await publisher.close();
    await emulator.close();
    rmSync(workDir, { recursive: true, force: true });
    build.remove();
  }
}

function ratesOf(runs: ThroughputRun[], mode: WorkerMode, includeDrain: boolean): number[] {
  return runs
    .filter((run) => run.mode === mode)
    .map((run) => run.messages / (run.seconds + (includeDrain ? run.outboxDrainSeconds : 0)));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

function describeMachine(): BenchReport['machine'] {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) cpuModel = match[1].trim();
  } catch {
    // /proc/cpuinfo exists only on Linux; os.cpus() covers the rest.
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    os: `${osType()} ${release()}`,
    loadAverageAtStart: loadavg()[0] ?? Number.NaN,
  };
}

function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return parsed;
}
