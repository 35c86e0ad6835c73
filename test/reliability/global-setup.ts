import type { TestProject } from 'vitest/node';
import { createThrowawayCluster } from './support/throwaway-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: { name: string; port: number };
  }
}

/**
 * One throwaway PostgreSQL cluster for the whole run (each part makes its own database in it),
 * dropped at the end whatever happens: teardown, or the process's exit.
 */
export default async function setup(project: TestProject) {
  const cluster = await createThrowawayCluster();
  let dropped = false;
  const drop = () => {
    if (dropped) return;
    dropped = true;
    cluster.drop();
  };
  process.once('exit', drop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      drop();
      process.exit(130);
    });
  }
  project.provide('cluster', { name: cluster.name, port: cluster.port });
  return drop;
}
