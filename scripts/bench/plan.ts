import { parseArgs } from 'node:util';

export const USAGE =
  'usage: npm run bench -- [--jobs 30,300,1000] [--compare 30] [--rounds 5] [--runs 3] [--out .bench/results.jsonl] [--json]';

export const HELP = `${USAGE}

Synthesizes the app through the real CLI path (npx cdk synth --quiet, in a fresh directory each
time) with N generated jobs, beside the ScheduledFargateTask peer (plain and with cdk-nag), and
reports wall time, CDK's phases, peak memory, template sizes, resources per job and bundle sizes.

  --jobs <n,n,...>  job counts to synthesize ours at (default 30,300,1000)
  --compare <n>     the job count at which ours is interleaved with the peer; 0: no peer (default 30)
  --rounds <n>      rounds of (ours, peer, peer+nag) at --compare (default 5)
  --runs <n>        runs of ours at each other job count (default 3)
  --out <file>      JSON lines are appended here, one per app and job count (default .bench/results.jsonl)
  --json            print the JSON lines instead of the tables
  -h, --help        this help

Measure on a quiet machine: the load average is recorded with each line.`;

/** The apps the bench synthesizes: ours (bench/app.ts) and the peer (bench/peer/app.ts). */
export type BenchApp = 'ours' | 'peer' | 'peer+nag';

export interface BenchOptions {
  /** Job counts to synthesize ours at. */
  readonly jobs: readonly number[];
  /** The job count at which ours is interleaved with the peer, plain and with cdk-nag; 0: no peer. */
  readonly compare: number;
  /** Rounds of (ours, peer, peer+nag) at `compare` jobs. */
  readonly rounds: number;
  /** Runs of ours at each other job count. */
  readonly runs: number;
  /** File the JSON lines are appended to. */
  readonly out: string;
  /** Print the JSON lines instead of the tables. */
  readonly json: boolean;
}

function wholeNumber(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min) {
    throw new Error(`--${flag} takes a whole number of at least ${min}, got "${text}"`);
  }
  return n;
}

/** Reads the command line; throws a message that names the flag and the fix. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      jobs: { type: 'string', default: '30,300,1000' },
      compare: { type: 'string', default: '30' },
      rounds: { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      out: { type: 'string', default: '.bench/results.jsonl' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const jobs = [...new Set(values.jobs.split(',').map((s) => wholeNumber('jobs', s, 1)))];
  const compare = wholeNumber('compare', values.compare, 0);
  if (compare !== 0 && !jobs.includes(compare)) {
    throw new Error(
      `--compare ${compare} is not one of --jobs ${jobs.join(',')}: add it, or pass --compare 0`,
    );
  }
  return {
    jobs,
    compare,
    rounds: wholeNumber('rounds', values.rounds, 1),
    runs: wholeNumber('runs', values.runs, 1),
    out: values.out,
    json: values.json,
  };
}

export interface PlannedRun {
  readonly app: BenchApp;
  readonly jobs: number;
  readonly round: number;
  /**
   * A 0-job synth: the resources that do not depend on jobs, so resources per job counts
   * only what jobs add. It runs first and also warms the disk cache; its time is not reported.
   */
  readonly baseline: boolean;
}

const COMPARED: readonly BenchApp[] = ['ours', 'peer', 'peer+nag'];

/**
 * The order of the synths. Everything is interleaved round by round, so a stretch of load
 * on a shared machine slows every kind of run a little rather than one kind a lot: each
 * round runs ours, the peer and the peer with cdk-nag at `compare` jobs (first app rotating
 * from round to round), then ours once at each other job count.
 */
export function planRuns(options: BenchOptions): PlannedRun[] {
  const { jobs, compare, rounds, runs } = options;
  const plan: PlannedRun[] = [{ app: 'ours', jobs: 0, round: 0, baseline: true }];
  if (compare > 0) plan.push({ app: 'peer', jobs: 0, round: 0, baseline: true });
  const others = jobs.filter((n) => n !== compare);
  for (let round = 0; round < Math.max(compare > 0 ? rounds : 0, others.length > 0 ? runs : 0); round++) {
    if (compare > 0 && round < rounds) {
      for (let i = 0; i < COMPARED.length; i++) {
        plan.push({ app: COMPARED[(round + i) % COMPARED.length]!, jobs: compare, round, baseline: false });
      }
    }
    if (round < runs) for (const n of others) plan.push({ app: 'ours', jobs: n, round, baseline: false });
  }
  return plan;
}
