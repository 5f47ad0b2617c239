import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { JOBS_CONTEXT, NAG_CONTEXT } from '../../bench/generated-jobs';
import { readAssembly, type AssemblySizes } from './assembly';
import { findProcesses, parseCounters, parseProbeRecords, phasesOf } from './phases';
import type { BenchApp, PlannedRun } from './plan';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** Each bench app's entry point, relative to the repository root. */
const ENTRY: Record<BenchApp, string> = {
  ours: 'bench/app.ts',
  peer: 'bench/peer/app.ts',
  'peer+nag': 'bench/peer/app.ts',
};

/**
 * aws-cdk-lib writes `performance-counters.json` into the assembly (to the file the CLI
 * names in CDK_PERF_COUNTERS_FILE) when synth takes longer per stack than this many ms
 * (core/lib/app.js; default 10 s). 0: always.
 */
const SLOW_SYNTH_THRESHOLD = '@aws-cdk/core.slowSynthThreshold';

/**
 * The `npx` arguments of one measured synth: `cdk synth --quiet` as CI runs it, the app
 * started as cdk.json starts bin/app.ts, into its own output directory.
 */
export function synthArgs(app: BenchApp, jobs: number, outdir: string): string[] {
  return [
    'cdk',
    'synth',
    '--quiet',
    '--app',
    `node --import tsx ${ENTRY[app]}`,
    '--output',
    outdir,
    '--context',
    `${SLOW_SYNTH_THRESHOLD}=0`,
    '--context',
    `${JOBS_CONTEXT}=${jobs}`,
    ...(app === 'peer+nag' ? ['--context', `${NAG_CONTEXT}=true`] : []),
  ];
}

export interface Measurement extends PlannedRun {
  /** From spawning `npx cdk synth` to its exit. */
  readonly wallMs: number;
  /** See `phasesOf`. */
  readonly phases: Readonly<Record<string, number>>;
  readonly constructs?: number;
  /** Peak resident memory of the app and of the CLI process. */
  readonly rssKiB: { readonly app?: number; readonly cli?: number };
  readonly assembly: AssemblySizes;
}

const now = () => performance.timeOrigin + performance.now();

/** Runs one `npx cdk synth` with its output and probe records in `dir`, and measures it. */
export function measureSynth(run: PlannedRun, dir: string): Measurement {
  const outdir = path.join(dir, 'cdk.out');
  const probeFile = path.join(dir, 'probe.jsonl');
  const probe = pathToFileURL(path.join(REPO_ROOT, 'bench', 'probe.mjs')).href;
  const env = {
    ...process.env,
    BENCH_PROBE_FILE: probeFile,
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], `--import=${probe}`].filter(Boolean).join(' '),
  };
  const spawnMs = now();
  const child = spawnSync('npx', synthArgs(run.app, run.jobs, outdir), {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const endMs = now();
  if (child.error) throw child.error;
  if (child.status !== 0) {
    const output = `${child.stdout}${child.stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`npx cdk synth of ${run.app} with ${run.jobs} jobs exited ${child.status}:\n${output}`);
  }
  const countersFile = path.join(outdir, 'performance-counters.json');
  if (!fs.existsSync(countersFile)) {
    throw new Error(`the app wrote no ${countersFile}: does aws-cdk-lib still read ${SLOW_SYNTH_THRESHOLD}?`);
  }
  const counters = parseCounters(fs.readFileSync(countersFile, 'utf8'));
  const records = fs.existsSync(probeFile) ? parseProbeRecords(fs.readFileSync(probeFile, 'utf8')) : [];
  const processes = findProcesses(records, path.join(REPO_ROOT, ENTRY[run.app]));
  return {
    ...run,
    wallMs: endMs - spawnMs,
    phases: phasesOf(counters, processes, spawnMs, endMs),
    constructs: counters['count:Constructs(cnt)'],
    rssKiB: { app: processes.app?.maxRssKiB, cli: processes.cli?.maxRssKiB },
    assembly: readAssembly(outdir),
  };
}
