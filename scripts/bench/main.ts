/**
 * `npm run bench`: measures spar-bridge against the targets in docs/benchmarks.md, in one run
 * on the in-process Pub/Sub emulator, and prints a table (with `--json`, JSON on stdout and the
 * table on stderr).
 *
 * Run with `npx tsx scripts/bench/main.ts [--json] [--orders N] [--runs N] [--memory-batches N]
 * [--memory-batch-orders N] [--latency-orders N] [--worker-node-args="FLAGS"]`. The worker
 * children run with `node_args` from ecosystem.config.cjs unless `--worker-node-args` is given
 * (an empty string runs them with no flags). Everything listens on 127.0.0.1 and lives
 * in a temporary directory that is removed at the end.
 */

// Set before the Google libraries load, so they never probe the cloud metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

const { runBench, parseBenchOptions } = await import('./runBench.js');
const { formatTable } = await import('./report.js');

const options = parseBenchOptions(process.argv.slice(2));
const report = await runBench(options);
if (options.json) {
  // The table still goes to stderr, for the person running the bench.
  process.stderr.write(formatTable(report));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  process.stdout.write(formatTable(report));
}
