import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * `npm run test:reliability [-- crash|postgres|fuzz|log-secrets]`: the suite that crashes the
 * gateway on purpose (docs/reliability.md). Not part of `npm test`, whose include does not match
 * these files. Parts run one after another: each loads the whole (two-core) machine.
 */
export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/reliability/**/*.reliability.ts'],
    globalSetup: ['test/reliability/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 10 * 60_000,
    reporters: ['verbose'],
  },
});
