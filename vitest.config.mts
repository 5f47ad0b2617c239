import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/** Test files that read the shared synthesis of every configuration (test/support/synth.ts). */
const SYNTH = [
  'test/{nag,guard,snapshot,synth-validation,shipped-config}.test.ts',
  'test/stacks/**/*.test.ts',
  'test/contract/**/*.test.ts',
  'test/job-runner/**/*.test.ts',
];

export default defineConfig({
  test: {
    setupFiles: ['test/support/setup.ts'],
    snapshotSerializers: ['test/support/asset-hash-serializer.ts'],
    // Synthesizing an app takes seconds; the default 5 s is too tight on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every core: test files are CPU-bound and independent.
    maxWorkers: availableParallelism(),
    // One module graph per worker, not per file: aws-cdk-lib, the SDK clients and lib/ load
    // once per core instead of once per file (import time 32 s -> 8 s over the suite). Files
    // must leave no state behind, so what vitest can undo it undoes after every test.
    isolate: false,
    unstubEnvs: true,
    unstubGlobals: true,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'test/**/*.test.ts',
            'lambda/**/*.test.ts',
            'containers/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, ...SYNTH],
        },
      },
      {
        extends: true,
        test: {
          name: 'synth',
          include: SYNTH,
          // Synthesizes every configuration once, before the first of these files runs.
          globalSetup: ['test/support/global-synth.ts'],
        },
      },
    ],
  },
});
