import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { CONFIGURATION_NAMES } from './synth-result';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the global setup wrote each configuration's synthesis (test/support/synth.ts reads it). */
    synthDir: string;
  }
}

const run = promisify(execFile);
const SYNTHESIZE = path.join(__dirname, 'synthesize.ts');

/**
 * Synthesizes every configuration once, before any test file of the `synth` project starts,
 * in child processes (one per two cores). Each file then reads templates and findings
 * instead of building its own app (seconds each, in every forked file).
 */
async function synthesizeAll(dir: string): Promise<void> {
  const started = performance.now();
  // A synth keeps ~1.5 cores busy (cfn-guard lanes, GC, compiling the validation engine), and
  // each process loads aws-cdk-lib and starts the engine anew: on 2 cores one process for
  // all four is faster (11 s) than two (15 s).
  const lanes = Math.max(1, Math.min(Math.floor(availableParallelism() / 2), CONFIGURATION_NAMES.length));
  const groups = Array.from({ length: lanes }, (_, lane) =>
    CONFIGURATION_NAMES.filter((_, i) => i % lanes === lane),
  );
  await Promise.all(
    groups.map(async (names) => {
      try {
        await run(process.execPath, ['--import', 'tsx', SYNTHESIZE, dir, ...names], {
          maxBuffer: 16 * 1024 * 1024,
        });
      } catch (error) {
        const { stderr } = error as { stderr?: string };
        throw new Error(`synthesizing ${names.join(', ')} failed:\n${stderr ?? String(error)}`, {
          cause: error,
        });
      }
    }),
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `synthesized ${CONFIGURATION_NAMES.join(', ')} in ${seconds} s (${lanes} process${lanes > 1 ? 'es' : ''})`,
  );
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'batch-platform-synth-'));
  await synthesizeAll(dir);
  project.provide('synthDir', dir);
  // Watch mode: a rerun may follow a change to lib/ or config/, so synthesize again.
  project.onTestsRerun(() => synthesizeAll(dir));
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
