#!/usr/bin/env node
// Entry point of the `spar-bridge` command. It checks the Node.js version before loading
// anything else, because the store imports `node:sqlite`, which Node 20 lacks, and an import
// failure would otherwise be the first output a user gets.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `spar-bridge needs Node.js 22 or newer; this is ${process.version}.\n` +
      'Run it through npm (`npm run cli -- COMMAND`), which uses the Node 24 installed in ' +
      'node_modules, or put node_modules/.bin first on PATH.\n',
  );
  process.exit(2);
}

await import('./program.js');
