import { defineConfig } from 'vitest/config';

/**
 * The vitest config of `npm run mutation`: one module's own tests only (MUTATION_TESTS, set by
 * scripts/mutation.ts per module), none of the suite's projects or its shared synthesis.
 */
const include = JSON.parse(process.env['MUTATION_TESTS'] ?? '[]') as string[];
if (include.length === 0) throw new Error('vitest.mutation.config.mts: MUTATION_TESTS names no test files');

export default defineConfig({
  test: {
    include,
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 60_000,
  },
});
