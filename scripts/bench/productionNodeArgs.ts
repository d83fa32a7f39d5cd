import { createRequire } from 'node:module';

interface EcosystemFile {
  apps: { name: string; node_args?: string | string[] }[];
}

/**
 * Returns the Node flags pm2 starts the worker with (`node_args` in ecosystem.config.cjs), so
 * the bench measures the worker child with the production flags unless told otherwise.
 */
export function productionNodeArgs(): string[] {
  const require = createRequire(import.meta.url);
  const ecosystem = require('../../ecosystem.config.cjs') as EcosystemFile;
  const app = ecosystem.apps.find((candidate) => candidate.name === 'spar-bridge');
  if (app === undefined) throw new Error('ecosystem.config.cjs has no app named spar-bridge');
  return splitNodeArgs(app.node_args ?? []);
}

/** Splits a space-separated flag string as pm2 does; an array is returned as it is. */
export function splitNodeArgs(nodeArgs: string | readonly string[]): string[] {
  if (typeof nodeArgs !== 'string') return [...nodeArgs];
  return nodeArgs.split(/\s+/).filter((flag) => flag !== '');
}
