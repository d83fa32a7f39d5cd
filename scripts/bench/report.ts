import type { BenchReport } from './runBench.js';

const mebibyte = 1024 * 1024;

/** Formats the report as a plain-text table of targets and results. */
export function formatTable(report: BenchReport): string {
  const { throughput, memory, latency, machine } = report;
  const rssGrowthMb = memory.rssSlopeBytesPer100kEvents / mebibyte;
  const rows: [string, string, string, string][] = [
    [
      'Throughput, pipeline / ack-only',
      '>= 0.50',
      `${throughput.ratio.toFixed(2)} (${throughput.medianPipelinePerSecond.toFixed(0)} / ` +
        `${throughput.medianAckOnlyPerSecond.toFixed(0)} msg/s)`,
      verdict(throughput.ratio >= 0.5),
    ],
    [
      '  same, until the outbox is delivered',
      '(info)',
      throughput.ratioIncludingOutboxDrain.toFixed(2),
      '',
    ],
    [
      'RSS idle',
      '< 100 MB',
      `${mb(memory.idleRssBytes)} MB`,
      verdict(memory.idleRssBytes < 100 * mebibyte),
    ],
    [
      'RSS peak under load',
      '< 200 MB',
      `${mb(memory.peakRssBytes)} MB`,
      verdict(memory.peakRssBytes < 200 * mebibyte),
    ],
    [
      'RSS growth per 100k events',
      'none',
      `${rssGrowthMb.toFixed(1)} MB (fit over ${memory.events} events)`,
      '',
    ],
    [
      'decide() p50 / p99',
      'p99 < 20 ms',
      `${ms(latency.decide.p50Ms)} / ${ms(latency.decide.p99Ms)}`,
      verdict(latency.decide.p99Ms < 20),
    ],
    [
      'Pipeline.process p50 / p99',
      '(info)',
      `${ms(latency.pipeline.p50Ms)} / ${ms(latency.pipeline.p99Ms)}`,
      '',
    ],
  ];

  const header: [string, string, string, string] = ['Measure', 'Target', 'Result', 'Met'];
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();

  return [
    `spar-bridge benchmark, ${report.date}`,
    `${machine.cpuModel}, ${machine.cores} cores, ${mb(machine.memoryBytes)} MB, Node ${machine.node}, ` +
      `${machine.os}, load average ${machine.loadAverageAtStart.toFixed(2)} at start`,
    `Worker node flags: ${report.options.workerNodeArgs.join(' ') || '(none)'}`,
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `Throughput runs (${report.options.orders * 2} messages each):`,
    ...throughput.runs.map(
      (run) =>
        `  ${run.mode.padEnd(8)} run ${run.run}: ${run.messagesPerSecond.toFixed(0)} msg/s, ` +
        `${run.seconds.toFixed(2)} s, ${run.deliveries} deliveries, ${run.nacked} nacked, ` +
        `outbox ${run.outboxWaitingAtLastAck} waiting at last ack, drained in ` +
        `${run.outboxDrainSeconds.toFixed(2)} s, peak RSS ${mb(run.peakRssBytes)} MB`,
    ),
    'RSS after each memory batch:',
    ...memory.batches.map(
      (batch) =>
        `  ${String(batch.eventsSoFar).padStart(7)} events: RSS ${mb(batch.rssBytes)} MB, ` +
        `heap used ${mb(batch.heapUsedBytes)} of ${mb(batch.heapTotalBytes)} MB, ` +
        `external ${mb(batch.externalBytes)} MB`,
    ),
    `Total ${report.seconds.toFixed(0)} s.`,
    '',
  ].join('\n');
}

function verdict(met: boolean): string {
  return met ? 'yes' : 'NO';
}

function mb(bytes: number): string {
  return (bytes / mebibyte).toFixed(1);
}

function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}
