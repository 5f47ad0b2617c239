/**
 * Mutation testing of the core modules (StrykerJS with its vitest runner):
 *
 *   npm run mutation [-- [--force] <module>...]
 *
 * Each module (scripts/mutation/modules.ts) is mutated and run against only its own tests,
 * incrementally (results of unchanged code and tests are reused from reports/mutation/), with
 * an HTML report per module. Exits 1 when a module scores below its threshold. `--force` tests
 * every mutant again: Stryker keeps the old result of a mutant in code that runs when the
 * module loads (a schema, a constant) even after new tests would kill it. CI always runs in
 * full (a fresh clone has no earlier results).
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { LogLevel } from '@stryker-mutator/api/core';
import { Stryker } from '@stryker-mutator/core';
import { MODULES, type MutationModule } from './mutation/modules.js';
import { mutationScore, type Score } from './mutation/score.js';

const ROOT = path.join(import.meta.dirname, '..');
const REPORTS = path.join(ROOT, 'reports', 'mutation');

async function mutate(name: string, module: MutationModule, force: boolean): Promise<Score> {
  process.env['MUTATION_TESTS'] = JSON.stringify(module.tests);
  const stryker = new Stryker({
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    vitest: { configFile: 'vitest.mutation.config.mts', related: false },
    mutate: [...module.mutate],
    coverageAnalysis: 'perTest',
    concurrency: availableParallelism(),
    incremental: true,
    force,
    incrementalFile: path.join(REPORTS, name, 'incremental.json'),
    reporters: ['html', 'progress'],
    htmlReporter: { fileName: path.join(REPORTS, name, 'index.html') },
    // Report colours only (this script enforces the threshold); Stryker refuses high < low.
    thresholds: { high: Math.max(90, module.threshold), low: module.threshold, break: null },
    ignorePatterns: ['cdk.out', '.bench', 'reports', 'scratch'],
    tempDirName: '.stryker-tmp',
    logLevel: 'warn' as LogLevel, // a const enum, which isolatedModules cannot import
  });
  return mutationScore(await stryker.runMutationTest());
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false } },
  });
  const unknown = positionals.filter((n) => !(n in MODULES));
  if (unknown.length > 0) {
    console.error(`unknown module ${unknown.join(', ')}; choose from ${Object.keys(MODULES).join(', ')}`);
    return 2;
  }
  const names = positionals.length > 0 ? positionals : Object.keys(MODULES);
  const rows: string[] = [];
  let failed = false;
  for (const name of names) {
    const module = MODULES[name]!;
    const score = await mutate(name, module, values.force);
    const below = score.percent < module.threshold;
    failed ||= below;
    rows.push(
      `${name.padEnd(14)} ${String(score.mutants).padStart(5)} mutants  ${score.percent.toFixed(1).padStart(5)} %` +
        `  (${score.survived} survived, ${score.noCoverage} without coverage)  threshold ${module.threshold} %` +
        (below ? '  BELOW THRESHOLD' : ''),
    );
  }
  console.log(`\nMutation scores (reports: ${path.relative(ROOT, REPORTS)}/<module>/index.html)`);
  for (const row of rows) console.log(row);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
