import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'lambda/**/*.test.ts', 'containers/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    snapshotSerializers: ['test/support/asset-hash-serializer.ts'],
    // Synthesizing an app takes seconds; the default 5 s is too tight on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every core: synthesizing files are CPU-bound and independent (2 cores: 116 s -> 75 s).
    maxWorkers: availableParallelism(),
  },
});
