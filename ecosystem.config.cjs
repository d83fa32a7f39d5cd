// pm2 process file for the spar-bridge worker. Start with `pm2 start ecosystem.config.cjs`
// after `npm ci && npm run build`; see docs/operations.md.
module.exports = {
  apps: [
    {
      name: 'spar-bridge',
      script: 'dist/cli/main.js',
      // The Node 24 that npm ci installs into node_modules, whatever the VM's own Node is.
      interpreter: require('node:path').join(__dirname, 'node_modules', '.bin', 'node'),
      args: 'serve',
      // V8 heap limits for the worker. `npm run bench` starts its worker children with these too.
      // Without them V8 sizes the heap from the machine's memory, and on a 24 GB machine the
      // worker peaked at about 360 MB RSS. With them it peaked at 159 to 180 MB over the runs
      // recorded in docs/benchmarks.md, and the heap in use after each batch was 44 to 54 MB,
      // far below the 256 MB old-space limit.
      node_args: ['--max-semi-space-size=2', '--max-old-space-size=256'],
      cwd: __dirname,
      instances: 1,
      exec_mode: 'fork',
      env: { NODE_ENV: 'production' },
      // serve stops gracefully within max(8 s, SPAR_TIMEOUT_MS + 3 s), 13 s with the default
      // SPAR timeout; pm2 sends SIGKILL after kill_timeout. Raise both together.
      kill_timeout: 15000,
      // About 1.7 times the highest peak RSS, 180 MB, that `npm run bench` measured under load
      // with the node_args above (docs/benchmarks.md). A restart loses nothing.
      max_memory_restart: '300M',
      // Restart a crashing worker with a growing delay (100 ms doubling up to 15 s) instead of a tight loop.
      exp_backoff_restart_delay: 100,
      max_restarts: 50,
      min_uptime: '30s',
      out_file: 'var/log/spar-bridge.out.log',
      error_file: 'var/log/spar-bridge.err.log',
      merge_logs: true,
      time: false,
    },
  ],
};
