import type { ScheduledJobConfig } from '../../lib/config';
import { nextRuns, parseAwsCron } from '../../lib/schedule/aws-cron';
import { REGION_PRICES, type Price, type RegionPrices } from '../../lib/schedule/prices';
import { formatTable } from '../job/output';
import { jobState } from './report';

/**
 * State transitions of one normal run of the job runner (Begin, Decide, ChooseCapacity,
 * RunOnSpot, TaskStopped, MarkSucceeded, Finish, Outcome, Done), measured by running the
 * synthesized definition in aws-local-stepfunctions: test/job-runner/scenarios.test.ts,
 * "normal run ... in 9 state transitions". Retries and fallbacks add more; not counted.
 */
export const TRANSITIONS_PER_RUN = 9;
/**
 * Lambda invocations of one normal run: Begin (the lease function) and Finish (the
 * recorder), the same scenario's calls. Their duration (GB-seconds) is not priced: short
 * calls of small functions, and no measured duration to multiply.
 */
export const LAMBDA_INVOCATIONS_PER_RUN = 2;
/** Fargate bills at least a minute per task. */
const FARGATE_MINIMUM_SECONDS = 60;

/**
 * Runs in an average calendar month: the runs of one calendar year divided by 12. A single
 * month would change with the date the report is run (28 or 31 days, 4 or 5 Sundays); the
 * year's average is what a monthly bill converges to. A day's count of runs comes from the
 * minutes and hours fields (in UTC, so a daylight-saving day's extra or missing hour is
 * not counted); the days the job fires on come from the day, month, weekday and year fields.
 */
export function runsPerMonth(job: Pick<ScheduledJobConfig, 'cron' | 'timezone'>, year: number): number {
  const cron = parseAwsCron(job.cron);
  const dayStart = new Date(Date.UTC(2026, 0, 1));
  const perDay = nextRuns(
    `${cron.minutes} ${cron.hours} * * ? *`,
    'UTC',
    new Date(dayStart.getTime() - 1),
    24 * 60,
    new Date(dayStart.getTime() + 86_400_000),
  ).length;
  const everyDay =
    ['*', '?'].includes(cron.dayOfMonth) &&
    cron.month === '*' &&
    ['*', '?'].includes(cron.dayOfWeek) &&
    cron.year === '*';
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const days = everyDay
    ? (end - start) / 86_400_000
    : nextRuns(
        `0 12 ${cron.dayOfMonth} ${cron.month} ${cron.dayOfWeek} ${cron.year}`,
        job.timezone,
        new Date(start - 1),
        400,
        new Date(end),
      ).length;
  return (perDay * days) / 12;
}

export interface JobCost {
  readonly job: string;
  readonly runsPerMonth: number;
  /** Seconds billed per run: the expected duration (else the timeout), at least a minute. */
  readonly billedSeconds: number;
  /** True when the job has no expectedDuration and its timeout is priced: an upper bound. */
  readonly timeoutPriced: boolean;
  readonly vcpuHours: number;
  readonly gbHours: number;
  readonly fargateUsd: number;
  /** True for a Spot job priced at the on-demand rate because no Spot price is known. */
  readonly spotAtOnDemand: boolean;
  readonly transitions: number;
  readonly stepFunctionsUsd: number;
  readonly lambdaInvocations: number;
  readonly lambdaUsd: number;
  readonly totalUsd: number;
}

/** The cost of one month of runs; a disabled job's month costs nothing. */
export function jobMonthlyCost(job: ScheduledJobConfig, prices: RegionPrices, year: number): JobCost {
  const runs = job.enabled ? runsPerMonth(job, year) : 0;
  const duration = job.expectedDurationSeconds ?? job.timeoutSeconds;
  const billedSeconds = Math.max(FARGATE_MINIMUM_SECONDS, Math.ceil(duration));
  const vcpuHours = (runs * billedSeconds * (job.cpu / 1024)) / 3600;
  const gbHours = (runs * billedSeconds * (job.memory / 1024)) / 3600;
  const spot = job.capacity === 'spot';
  const spotKnown = prices.spotVcpuHour.usd !== undefined && prices.spotGbHour.usd !== undefined;
  const vcpuRate = spot && spotKnown ? prices.spotVcpuHour : prices.fargateVcpuHour;
  const gbRate = spot && spotKnown ? prices.spotGbHour : prices.fargateGbHour;
  const fargateUsd = vcpuHours * usd(vcpuRate) + gbHours * usd(gbRate);
  const transitions = runs * TRANSITIONS_PER_RUN;
  const stepFunctionsUsd = transitions * usd(prices.stepFunctionsTransition);
  const lambdaInvocations = runs * LAMBDA_INVOCATIONS_PER_RUN;
  const lambdaUsd = lambdaInvocations * usd(prices.lambdaRequest);
  return {
    job: job.name,
    runsPerMonth: runs,
    billedSeconds,
    timeoutPriced: job.expectedDurationSeconds === undefined,
    vcpuHours,
    gbHours,
    fargateUsd,
    spotAtOnDemand: spot && !spotKnown,
    transitions,
    stepFunctionsUsd,
    lambdaInvocations,
    lambdaUsd,
    totalUsd: fargateUsd + stepFunctionsUsd + lambdaUsd,
  };
}

function usd(price: Price): number {
  // Only the Spot figures may be missing, and they are never read when missing.
  if (price.usd === undefined) throw new Error(`no price: ${price.note ?? price.url}`);
  return price.usd;
}

/** The region's prices, or undefined when lib/schedule/prices.ts has none for it. */
export function pricesFor(region: string): RegionPrices | undefined {
  return REGION_PRICES[region];
}

/** `$3.10`; below a cent `$0.004`, so a cheap job does not read as free; `<$0.0001` below that. */
export function formatUsd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (abs === 0) return '$0';
  if (abs < 0.0001) return `${sign}<$0.0001`;
  if (abs < 0.01) {
    // One significant figure, written out: 0.00098 is $0.001, not $0.0010 or $1e-3.
    const rounded = Number(abs.toPrecision(1));
    return `${sign}$${rounded.toFixed(-Math.floor(Math.log10(rounded)))}`;
  }
  return `${sign}$${abs.toFixed(2)}`;
}

/** `+$3.10/month`, `-$0.40/month`, for the PR comment's diff. */
export function formatUsdChange(amount: number): string {
  return `${amount >= 0 ? '+' : ''}${formatUsd(amount)}/month`;
}

const hours = (h: number) => (h >= 100 ? h.toFixed(0) : h >= 10 ? h.toFixed(1) : h.toFixed(2));

/** The cost section of the report: a table per job, the total, and what the figures assume. */
export function costSection(
  jobs: readonly ScheduledJobConfig[],
  region: string,
  year: number,
  prices: RegionPrices | undefined = pricesFor(region),
): string[] {
  if (!prices) {
    return [
      `monthly cost: no prices for ${region} in lib/schedule/prices.ts; add them (with their source) to see it`,
    ];
  }
  const costs = jobs.map((job) => ({ job, cost: jobMonthlyCost(job, prices, year) }));
  const total = costs.reduce((sum, { cost }) => sum + cost.totalUsd, 0);
  const rows = costs.map(({ job, cost }) =>
    job.enabled
      ? [
          job.name,
          cost.runsPerMonth.toFixed(cost.runsPerMonth % 1 === 0 ? 0 : 1),
          `${cost.billedSeconds}s${cost.timeoutPriced ? ' (timeout)' : ''}`,
          hours(cost.vcpuHours),
          hours(cost.gbHours),
          `${formatUsd(cost.fargateUsd)}${job.capacity === 'spot' ? (cost.spotAtOnDemand ? ' spot<=' : ' spot') : ''}`,
          formatUsd(cost.stepFunctionsUsd),
          formatUsd(cost.lambdaUsd),
          formatUsd(cost.totalUsd),
        ]
      : [job.name, jobState(job), '-', '-', '-', '-', '-', '-', '$0'],
  );
  const lines = formatTable(
    ['job', 'runs/month', 'billed/run', 'vCPU-h', 'GB-h', 'Fargate', 'Step Functions', 'Lambda', 'total'],
    [...rows, ['total', '', '', '', '', '', '', '', formatUsd(total)]],
    { alignRight: [1, 2, 3, 4, 5, 6, 7, 8] },
  );
  const notes = [
    `Runs per month: a calendar month's average (the runs of ${year} / 12). Per run: ${TRANSITIONS_PER_RUN} Step Functions transitions and ${LAMBDA_INVOCATIONS_PER_RUN} Lambda invocations (a normal run, measured), Fargate for the expected duration, at least 1 minute.`,
  ];
  const running = costs.filter(({ job }) => job.enabled).map(({ cost }) => cost);
  if (running.some((cost) => cost.timeoutPriced))
    notes.push(
      '(timeout): no expectedDuration, so the timeout is priced: an upper bound, since the run is stopped there. Set expectedDuration for a real figure.',
    );
  if (running.some((cost) => cost.spotAtOnDemand))
    notes.push(
      `spot<=: no Fargate Spot price for ${region} is recorded, so Spot runs are priced at on-demand, an upper bound (Spot is up to 70% less).`,
    );
  notes.push(
    `Prices: lib/schedule/prices.ts (${region}, checked ${prices.fargateVcpuHour.checked}); retries, free tiers, logs and NAT traffic are not included.`,
  );
  return [`Monthly cost in ${region} (USD):`, '', ...lines, '', ...notes];
}
