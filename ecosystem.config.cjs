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
      cwd: __dirname,
      instances: 1,
      exec_mode: 'fork',
      env: { NODE_ENV: 'production' },
      // serve stops gracefully within max(8 s, SPAR_TIMEOUT_MS + 3 s), 13 s with the default
      // SPAR timeout; pm2 sends SIGKILL after kill_timeout. Raise both together.
      kill_timeout: 15000,
      // `npm run bench` measured a peak RSS of 361 MB under load on a 24 GB machine
      // (docs/benchmarks.md), so the limit sits above it; a restart loses nothing.
      max_memory_restart: '500M',
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
