import type { ScheduledJobConfig } from '../../lib/config';
import { formatDuration } from '../../lib/config/duration';
import type { RegionPrices } from '../../lib/schedule/prices';
import { formatUsd, formatUsdChange, jobMonthlyCost } from './cost';
import { formatWeekdayZoned, NEXT_RUNS, upcoming, upcomingRuns } from './report';

/** Prices for the diff's cost column: each job line gets `+$3.10/month`, and a total line ends it. */
export interface DiffCost {
  readonly prices: RegionPrices;
  /** The calendar year whose runs are averaged (see runsPerMonth). */
  readonly year: number;
}

/** Fields whose change a reviewer must see, in the order they are printed. */
const FIELDS = [
  'cron',
  'timezone',
  'enabled',
  'disabledReason',
  'disabledUntil',
  'command',
  'image',
  'environment',
  'secrets',
  'cpu',
  'memory',
  'timeoutSeconds',
  'expectedDurationSeconds',
  'startingDeadlineSeconds',
  'concurrency',
  'retries',
  'capacity',
  'owner',
  'notify',
  'description',
] as const satisfies readonly (keyof ScheduledJobConfig)[];

/**
 * What a pull request changes in the schedules: added, removed and changed jobs, each change
 * as `field: old -> new`, and for a new time the old and new next runs side by side.
 */
export function diffSchedules(
  base: readonly ScheduledJobConfig[],
  head: readonly ScheduledJobConfig[],
  from: Date,
  cost?: DiffCost,
): string[] {
  const before = new Map(base.map((j) => [j.name, j]));
  const after = new Map(head.map((j) => [j.name, j]));
  const monthly = (job: ScheduledJobConfig | undefined) =>
    job && cost ? jobMonthlyCost(job, cost.prices, cost.year).totalUsd : 0;
  /** ` +$3.10/month`, or nothing without prices or when the change costs nothing. */
  const change = (old: ScheduledJobConfig | undefined, job: ScheduledJobConfig | undefined) => {
    const delta = monthly(job) - monthly(old);
    return cost && Math.abs(delta) >= 0.00005 ? `  ${formatUsdChange(delta)}` : '';
  };
  const lines: string[] = [];
  for (const job of head.filter((j) => !before.has(j.name))) {
    lines.push(
      `+ added   ${job.name}: ${job.cron} ${job.timezone}${job.enabled ? '' : ' (disabled)'}${change(undefined, job)}`,
    );
    if (job.enabled) lines.push(`      next: ${upcoming(job, from)}`);
  }
  for (const job of base.filter((j) => !after.has(j.name))) {
    lines.push(`- removed ${job.name}: was ${job.cron} ${job.timezone}${change(job, undefined)}`);
  }
  for (const job of head) {
    const old = before.get(job.name);
    if (!old) continue;
    const changes = FIELDS.filter((f) => JSON.stringify(old[f]) !== JSON.stringify(job[f]));
    if (changes.length === 0) continue;
    lines.push(`~ changed ${job.name}${change(old, job)}`);
    for (const f of changes) lines.push(`      ${f}: ${show(f, old[f])} -> ${show(f, job[f])}`);
    if (changes.some((f) => f === 'cron' || f === 'timezone' || f === 'enabled')) {
      lines.push(...sideBySide(old, job, from));
    }
  }
  if (lines.length === 0) return ['no schedule changes'];
  if (cost) {
    const total = (jobs: readonly ScheduledJobConfig[]) => jobs.reduce((sum, j) => sum + monthly(j), 0);
    const [was, now] = [total(base), total(head)];
    lines.push(
      `monthly cost: ${formatUsd(was)} -> ${formatUsd(now)} (${formatUsdChange(now - was)}, runs only: see the report's cost notes)`,
    );
  }
  return lines;
}

function show(field: (typeof FIELDS)[number], value: unknown): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'number' && field.endsWith('Seconds')) return formatDuration(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Old and new next runs in two columns, each in its own job's zone, so a zone change reads plainly. */
function sideBySide(old: ScheduledJobConfig, job: ScheduledJobConfig, from: Date): string[] {
  const column = (j: ScheduledJobConfig) =>
    j.enabled ? upcomingRuns(j, from).map((d) => formatWeekdayZoned(d, j.timezone)) : ['(disabled)'];
  const before = column(old);
  const after = column(job);
  const width = Math.max('before'.length, ...before.map((t) => t.length));
  const rows = Array.from({ length: Math.max(before.length, after.length, 1) }, (_, i) =>
    `        ${(before[i] ?? '').padEnd(width)}  ->  ${after[i] ?? ''}`.trimEnd(),
  );
  return [`      next ${NEXT_RUNS} runs:`, `        ${'before'.padEnd(width)}      after`, ...rows];
}
