import { MAX_RESOURCES, MAX_TEMPLATE_BYTES } from '../../lib/stages/template-limits';
import { formatTable } from '../job/output';
import type { TemplateSize } from './assembly';
import { phaseRows } from './phases';
import type { BenchApp } from './plan';
import { median, ratio, spread, type Ratio, type Spread } from './stats';
import type { Measurement } from './synth';

/** One app at one job count, over its runs: what a JSON line holds. */
export interface ResultRow {
  readonly app: BenchApp;
  readonly jobs: number;
  readonly runs: number;
  readonly wallMs: Spread & { readonly all: readonly number[] };
  /** Median of each phase over the runs (see `phasesOf`). */
  readonly phasesMs: Readonly<Record<string, number>>;
  readonly peakRssMiB: { readonly app?: Spread; readonly cli?: Spread };
  readonly constructs?: number;
  readonly stacks: number;
  readonly resources: number;
  /** What the jobs add, per job: (resources - resources of the same app with 0 jobs) / jobs. */
  readonly resourcesPerJob?: number;
  /** IAM roles the app creates in the environment's account (the peer: one per job and more). */
  readonly iamRoles: number;
  readonly largestTemplate: { readonly byResources: TemplateSize; readonly byBytes: TemplateSize };
  /** Every template within CloudFormation's 500 resources and 1 MB. */
  readonly withinLimits: boolean;
  /** Bytes of each Lambda's bundled index.js, by construct path. */
  readonly bundleBytes: Readonly<Record<string, number>>;
  /** Wall time against other rows, by their key (`peer@30`); above 1: this row is slower. */
  readonly vs: Readonly<Record<string, Ratio>>;
}

/**
 * IAM roles an account may hold by default ("IAM and AWS STS quotas": 1,000, adjustable to
 * 5,000). Every role of every app in the account counts, and CDK's bootstrap takes 5.
 */
export const IAM_ROLE_QUOTA = 1000;

const APP_ORDER: readonly BenchApp[] = ['ours', 'peer', 'peer+nag'];
const key = (app: BenchApp, jobs: number) => `${app}@${jobs}`;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Rows from every run: one per app and job count, ordered by job count then app. `compare`
 * is the job count at which ours ran interleaved with the peer (0: none).
 */
export function summarize(measurements: readonly Measurement[], compare: number): ResultRow[] {
  const baselines = new Map(
    measurements.filter((m) => m.baseline).map((m) => [m.app, m.assembly.resources] as const),
  );
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements.filter((x) => !x.baseline)) {
    groups.set(key(m.app, m.jobs), [...(groups.get(key(m.app, m.jobs)) ?? []), m]);
  }
  const walls = (app: BenchApp, jobs: number) => (groups.get(key(app, jobs)) ?? []).map((m) => m.wallMs);
  const byRound = (app: BenchApp, jobs: number) =>
    new Map((groups.get(key(app, jobs)) ?? []).map((m) => [m.round, m.wallMs]));

  const rows = [...groups.values()].map((runs): ResultRow => {
    const { app, jobs, assembly } = runs[0]!;
    const phaseKeys = new Set(runs.flatMap((m) => Object.keys(m.phases)));
    const phasesMs = Object.fromEntries(
      [...phaseKeys].map((k) => [
        k,
        Math.round(median(runs.flatMap((m) => (m.phases[k] === undefined ? [] : [m.phases[k]])))),
      ]),
    );
    const mib = (pick: (m: Measurement) => number | undefined) => {
      const values = runs.flatMap((m) => (pick(m) === undefined ? [] : [Math.round(pick(m)! / 1024)]));
      return values.length > 0 ? spread(values) : undefined;
    };
    const base = baselines.get(app === 'peer+nag' ? 'peer' : app);
    const vs: Record<string, Ratio> = {};
    if (app === 'ours' && jobs === compare) {
      const ours = byRound('ours', jobs);
      for (const other of ['peer', 'peer+nag'] as const) {
        const theirs = byRound(other, jobs);
        const rounds = [...ours.keys()].filter((r) => theirs.has(r));
        if (rounds.length === 0) continue;
        vs[key(other, jobs)] = roundRatio(
          ratio(
            rounds.map((r) => ours.get(r)!),
            rounds.map((r) => theirs.get(r)!),
            true,
          ),
        );
      }
    } else if (app === 'ours' && compare > 0 && walls('ours', compare).length > 0) {
      vs[key('ours', compare)] = roundRatio(ratio(walls('ours', jobs), walls('ours', compare), false));
    }
    return {
      app,
      jobs,
      runs: runs.length,
      wallMs: {
        ...mapSpread(spread(runs.map((m) => m.wallMs)), Math.round),
        all: runs.map((m) => Math.round(m.wallMs)),
      },
      phasesMs,
      peakRssMiB: { app: mib((m) => m.rssKiB.app), cli: mib((m) => m.rssKiB.cli) },
      constructs: runs[0]!.constructs,
      stacks: assembly.stacks,
      resources: assembly.resources,
      resourcesPerJob: base === undefined ? undefined : round2((assembly.resources - base) / jobs),
      iamRoles: assembly.roles,
      largestTemplate: { byResources: assembly.largestByResources, byBytes: assembly.largestByBytes },
      withinLimits:
        assembly.largestByResources.resources <= MAX_RESOURCES &&
        assembly.largestByBytes.bytes <= MAX_TEMPLATE_BYTES,
      bundleBytes: assembly.bundles,
      vs,
    };
  });
  return rows.sort((a, b) => a.jobs - b.jobs || APP_ORDER.indexOf(a.app) - APP_ORDER.indexOf(b.app));
}

function mapSpread(s: Spread, f: (n: number) => number): Spread {
  return { min: f(s.min), median: f(s.median), max: f(s.max) };
}

function roundRatio(r: Ratio): Ratio {
  return {
    ...(r.medianOfRatios === undefined ? {} : { medianOfRatios: round2(r.medianOfRatios) }),
    ratioOfMedians: round2(r.ratioOfMedians),
  };
}

const seconds = (ms: number | undefined) => (ms === undefined ? '' : (ms / 1000).toFixed(2));
const label = (row: ResultRow) => `${row.app} ${row.jobs}`;

/** The human report: wall times, ratios, phases, templates and Lambda bundles. */
export function formatReport(rows: readonly ResultRow[]): string[] {
  const lines: string[] = [];
  lines.push('`npx cdk synth` wall time (s) and peak RSS of the app and the CLI (MiB, median)', '');
  lines.push(
    ...formatTable(
      ['app', 'jobs', 'runs', 'min', 'median', 'max', 'app RSS', 'CLI RSS'],
      rows.map((r) => [
        r.app,
        String(r.jobs),
        String(r.runs),
        seconds(r.wallMs.min),
        seconds(r.wallMs.median),
        seconds(r.wallMs.max),
        String(r.peakRssMiB.app?.median ?? ''),
        String(r.peakRssMiB.cli?.median ?? ''),
      ]),
      { alignRight: [1, 2, 3, 4, 5, 6, 7, 8] },
    ),
  );

  const ratios = rows.flatMap((r) =>
    Object.entries(r.vs).map(([other, v]) => {
      const [otherApp, otherJobs] = other.split('@');
      const what =
        otherJobs === String(r.jobs)
          ? `${r.app} / ${otherApp} at ${r.jobs} jobs`
          : `${r.app} at ${r.jobs} / ${otherApp} at ${otherJobs} jobs`;
      const pairwise =
        v.medianOfRatios === undefined ? '' : `${v.medianOfRatios.toFixed(2)} median of pairwise ratios, `;
      return `  ${what}: ${pairwise}${v.ratioOfMedians.toFixed(2)} ratio of medians`;
    }),
  );
  if (ratios.length > 0) lines.push('', 'Wall time ratios (above 1: the first is slower)', ...ratios);

  const phases = phaseRows(rows.flatMap((r) => Object.keys(r.phasesMs)));
  lines.push('', "Phases (s, median): CDK's performance counters and bench/probe.mjs", '');
  lines.push(
    ...formatTable(
      ['phase', ...rows.map(label)],
      [
        ...phases.map((p) => [
          `${'  '.repeat(p.depth)}${p.label}`,
          ...rows.map((r) => seconds(r.phasesMs[p.key])),
        ]),
        ['wall', ...rows.map((r) => seconds(r.wallMs.median))],
      ],
      { alignRight: rows.map((_, i) => i + 1) },
    ),
  );

  lines.push(
    '',
    `Templates (cdk.out; CloudFormation allows ${MAX_RESOURCES} resources, ${MAX_TEMPLATE_BYTES} bytes)`,
    '',
  );
  lines.push(
    ...formatTable(
      [
        'app',
        'jobs',
        'stacks',
        'resources',
        'per job',
        `IAM roles (of ${IAM_ROLE_QUOTA})`,
        'largest (res)',
        'largest (bytes)',
        'constructs',
        'within limits',
      ],
      rows
        .filter((r, i) => rows.findIndex((o) => o.jobs === r.jobs && sameTemplates(o, r)) === i)
        .map((r) => [
          r.app === 'peer' ? 'peer, peer+nag' : r.app,
          String(r.jobs),
          String(r.stacks),
          String(r.resources),
          r.resourcesPerJob === undefined ? '' : r.resourcesPerJob.toFixed(2),
          String(r.iamRoles),
          `${r.largestTemplate.byResources.resources} ${r.largestTemplate.byResources.stack}`,
          `${r.largestTemplate.byBytes.bytes} ${r.largestTemplate.byBytes.stack}`,
          String(r.constructs ?? ''),
          r.withinLimits ? 'yes' : 'NO',
        ]),
      { alignRight: [1, 2, 3, 4, 5, 6, 7, 8] },
    ),
  );

  const bundles = rows.find((r) => Object.keys(r.bundleBytes).length > 0 && r.app === 'ours');
  if (bundles) {
    lines.push('', 'Lambda bundles (index.js, bytes)', '');
    lines.push(
      ...formatTable(
        ['function', 'bytes'],
        Object.entries(bundles.bundleBytes).map(([fn, bytes]) => [fn, String(bytes)]),
        { alignRight: [1] },
      ),
    );
  }
  return lines;
}

/** The peer with and without cdk-nag synthesizes the same templates: one table row for both. */
function sameTemplates(a: ResultRow, b: ResultRow): boolean {
  const peer = (app: BenchApp) => (app === 'peer+nag' ? 'peer' : app);
  return peer(a.app) === peer(b.app);
}
