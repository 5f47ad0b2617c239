/**
 * Synth benchmark through the real CLI path:
 *   npm run bench -- [--jobs 30,300,1000] [--compare 30] [--rounds 5] [--runs 3] [--out <file>] [--json]
 *
 * Each measured synth is `npx cdk synth --quiet` in a fresh output directory with an app
 * started as cdk.json starts bin/app.ts: bench/app.ts (ours, N generated jobs through
 * `createApp`) or bench/peer/app.ts (one ScheduledFargateTask per job, plain and with
 * cdk-nag), interleaved round by round. It reports wall time, the phases of CDK's performance
 * counters, peak RSS, template sizes, resources per job and Lambda bundle sizes, and appends
 * one JSON line per app and job count to --out (default .bench/results.jsonl) for history.
 * Everything but the wiring lives in scripts/bench/ and is unit-tested there.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HELP, parseOptions, planRuns, type BenchOptions } from './bench/plan';
import { formatReport, summarize } from './bench/report';
import { measureSynth, REPO_ROOT, type Measurement } from './bench/synth';

function git(...args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** What a row of history needs beside its figures: which code, which machine, how busy. */
function context(startLoad: number) {
  return {
    at: new Date().toISOString(),
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: (git('status', '--porcelain') ?? '') !== '',
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model,
    loadAverage: { start: startLoad, end: Math.round(os.loadavg()[0]! * 100) / 100 },
  };
}

function bench(options: BenchOptions): void {
  const startLoad = Math.round(os.loadavg()[0]! * 100) / 100;
  const plan = planRuns(options);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const cleanUp = () => fs.rmSync(root, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  const measurements: Measurement[] = [];
  try {
    plan.forEach((run, i) => {
      const dir = path.join(root, String(i));
      fs.mkdirSync(dir);
      const what = `${run.baseline ? 'baseline ' : ''}${run.app} with ${run.jobs} jobs`;
      process.stderr.write(
        `[${i + 1}/${plan.length}] ${what}${run.baseline ? '' : `, round ${run.round + 1}`} ... `,
      );
      const measurement = measureSynth(run, dir);
      fs.rmSync(dir, { recursive: true, force: true });
      process.stderr.write(`${(measurement.wallMs / 1000).toFixed(2)} s\n`);
      measurements.push(measurement);
    });
  } finally {
    cleanUp();
  }

  const shared = context(startLoad);
  const rows = summarize(measurements, options.compare);
  const lines = rows.map((row) => JSON.stringify({ ...shared, ...row }));
  fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
  fs.appendFileSync(options.out, lines.map((l) => `${l}\n`).join(''));
  if (options.json) {
    for (const line of lines) process.stdout.write(`${line}\n`);
    return;
  }
  process.stdout.write(`${formatReport(rows).join('\n')}\n\n`);
  process.stdout.write(
    `${lines.length} JSON lines appended to ${options.out} (commit ${shared.commit ?? '?'}${shared.dirty ? ', uncommitted changes' : ''}; load average ${shared.loadAverage.start} -> ${shared.loadAverage.end} on ${shared.cpus} cores)\n`,
  );
}

let options: BenchOptions | 'help' | undefined;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  // One line: the flag and the fix; --help has the rest.
  process.stderr.write(`error: ${(error as Error).message} (npm run bench -- --help)\n`);
  process.exitCode = 2;
}
if (options === 'help') {
  process.stdout.write(`${HELP}\n`);
} else if (options) {
  try {
    bench(options);
  } catch (error) {
    process.stderr.write(`\nerror: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
