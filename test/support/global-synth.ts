import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { shippedResultFile, writeShippedResult } from './shipped';
import { CONFIGURATION_NAMES, SHIPPED } from './synth-result';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the global setup wrote each configuration's synthesis (test/support/synth.ts reads it). */
    synthDir: string;
  }
}

const SYNTHESIZE = path.join(__dirname, 'synthesize.ts');

/** One child process synthesizing `names` in order; it prints `synthesized <name>` after each. */
interface Lane {
  readonly child: ChildProcess;
  /** Resolves once every fixture configuration of the lane is written. */
  readonly fixture: Promise<void>;
  /** Resolves when the process has exited, whatever its outcome. */
  readonly exited: Promise<void>;
}

function startLane(dir: string, names: readonly string[]): Lane {
  const child = spawn(process.execPath, ['--import', 'tsx', SYNTHESIZE, dir, ...names], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const waiting = new Set(names.filter((n) => n !== SHIPPED));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const fixture = new Promise<void>((resolve, reject) => {
    if (waiting.size === 0) resolve();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const line of stdout.split('\n').slice(0, -1)) waiting.delete(line.replace(/^synthesized /, ''));
      stdout = stdout.slice(stdout.lastIndexOf('\n') + 1);
      if (waiting.size === 0) resolve();
    });
    void exited.then((code) => {
      if (waiting.size > 0) {
        reject(new Error(`synthesizing ${names.join(', ')} failed (exit ${code}):\n${stderr}`));
      } else if (code !== 0 && names.includes(SHIPPED) && !fs.existsSync(shippedResultFile(dir))) {
        // A crash is a finding of shipped-config.test.ts, not a reason to fail every other file.
        writeShippedResult(dir, { crashed: `the synthesis of config/ crashed (exit ${code}):\n${stderr}` });
      }
    });
  });
  return { child, fixture, exited: exited.then(() => undefined) };
}

/**
 * Synthesizes every configuration of the fixture config once, before any test file of the
 * `synth` project starts, in child processes (one per two cores). Each file then reads
 * templates and findings instead of building its own app (seconds each, in every forked file).
 *
 * The same processes then synthesize the shipped config/ (test/shipped-config.test.ts waits
 * for it): they have aws-cdk-lib loaded and CloudFormation's validation engine started
 * already, and the test files of both projects run meanwhile instead of waiting for it.
 */
function synthesizeAll(dir: string): { fixture: Promise<void>; lanes: Lane[] } {
  const started = performance.now();
  fs.rmSync(shippedResultFile(dir), { force: true });
  // A synth keeps ~1.5 cores busy (cfn-guard lanes, GC, compiling the validation engine), and
  // each process loads aws-cdk-lib and starts the engine anew: on 2 cores one process for
  // all four is faster (11 s) than two (15 s).
  const count = Math.max(1, Math.min(Math.floor(availableParallelism() / 2), CONFIGURATION_NAMES.length));
  const groups: string[][] = Array.from({ length: count }, (_, lane) =>
    CONFIGURATION_NAMES.filter((_, i) => i % count === lane),
  );
  groups[groups.length - 1]!.push(SHIPPED);
  const lanes = groups.map((names) => startLane(dir, names));
  const fixture = Promise.all(lanes.map((l) => l.fixture)).then(() => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `synthesized ${CONFIGURATION_NAMES.join(', ')} in ${seconds} s (${count} process${count > 1 ? 'es' : ''}); config/ follows`,
    );
  });
  void Promise.all(lanes.map((l) => l.exited)).then(() => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`synthesized the shipped config/ too, ${seconds} s after the start`);
  });
  return { fixture, lanes };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'batch-platform-synth-'));
  let run = synthesizeAll(dir);
  await run.fixture;
  project.provide('synthDir', dir);
  // Watch mode: a rerun may follow a change to lib/ or config/, so synthesize again.
  project.onTestsRerun(async () => {
    await stop(run.lanes);
    run = synthesizeAll(dir);
    await run.fixture;
  });
  return async () => {
    await stop(run.lanes);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** Ends lanes still running (only when a test run ends early, or a rerun starts over). */
async function stop(lanes: readonly Lane[]): Promise<void> {
  for (const lane of lanes) if (lane.child.exitCode === null) lane.child.kill();
  await Promise.all(lanes.map((l) => l.exited));
}
