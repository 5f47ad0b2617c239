import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PlatformConfig, ScheduledJobConfig } from '../../lib/config';
import { nextRuns } from '../../lib/schedule/aws-cron';
import { runningExecutions } from './logs';
import { formatTable, type Output } from './output';
import { readPause } from './pause';
import { latestRuns, type RunRecord } from './run-records';
import { formatInZone } from '../../lib/schedule/time-format';

/** How many jobs are read from the table at once: enough to be quick, few enough not to throttle. */
const PARALLEL_READS = 8;

export interface JobLine {
  readonly name: string;
  readonly schedule: string;
  readonly timezone: string;
  /** enabled, disabled (config) or paused (an operator's pause in force). */
  readonly state: 'enabled' | 'disabled' | 'paused';
  readonly stateReason?: string;
  readonly lastRun?: {
    readonly status: string;
    readonly startedAt: string;
    readonly durationSeconds?: number;
  };
  readonly nextRun?: string;
  /** The execution running now, if any. */
  readonly running?: string;
}

/**
 * `ls`: every job with its schedule, state, last run, next run and the run in progress — the
 * `kubectl get cronjobs` view, from the run records, the pause items and the runner's running
 * executions. Times are in each job's zone, with weekday names.
 */
export async function lsJobs(
  config: PlatformConfig,
  options: { readonly json: boolean },
  deps: { sfn: SFNClient; ddb: DynamoDBDocumentClient; out: Output; now: () => Date },
): Promise<number> {
  const { environment: env, schedules } = config;
  const now = deps.now();
  const running = await runningExecutions(env, deps);
  const lines = await mapLimited(schedules, PARALLEL_READS, async (job) => {
    const [{ records }, pause] = await Promise.all([
      latestRuns({ ddb: deps.ddb, environment: env.name, job: job.name }, 1),
      readPause({ env, job }, deps),
    ]);
    return jobLine(job, records[0], pause?.active ? pause : undefined, running.get(job.name)?.name, now);
  });
  if (options.json) {
    deps.out.line(JSON.stringify(lines, null, 2));
    return 0;
  }
  deps.out.line(
    `${env.name} (account ${env.account}, ${env.region}): ${lines.length} jobs, ${running.size} running`,
  );
  const rows = lines.map((line, i) => {
    const zone = schedules[i]!.timezone;
    const last = line.lastRun
      ? `${line.lastRun.status} ${when(line.lastRun.startedAt, zone)}${line.lastRun.durationSeconds === undefined ? '' : ` (${duration(line.lastRun.durationSeconds)})`}`
      : '-';
    return [
      line.name,
      `${line.schedule} ${line.timezone}`,
      line.stateReason ? `${line.state}: ${line.stateReason}` : line.state,
      last,
      line.nextRun ? when(line.nextRun, zone) : '-',
      line.running ?? '-',
    ];
  });
  for (const row of formatTable(['JOB', 'SCHEDULE', 'STATE', 'LAST RUN', 'NEXT RUN', 'RUNNING'], rows)) {
    deps.out.line(row);
  }
  return 0;
}

function jobLine(
  job: ScheduledJobConfig,
  last: RunRecord | undefined,
  pause: { reason?: string; by?: string; until?: string } | undefined,
  running: string | undefined,
  now: Date,
): JobLine {
  const [next] = job.enabled ? nextRuns(job.cron, job.timezone, now, 1) : [];
  const state = !job.enabled ? 'disabled' : pause ? 'paused' : 'enabled';
  const stateReason = !job.enabled
    ? (job.disabledReason ?? 'no reason given')
    : pause
      ? `until ${pause.until ? formatInZone(new Date(pause.until), job.timezone) : '?'} by ${pause.by ?? 'unknown'}: ${pause.reason ?? ''}`
      : undefined;
  return {
    name: job.name,
    schedule: job.cron,
    timezone: job.timezone,
    state,
    ...(stateReason ? { stateReason } : {}),
    ...(last
      ? {
          lastRun: {
            status: last.status,
            startedAt: last.startedAt,
            ...(last.endedAt
              ? {
                  durationSeconds: Math.round((Date.parse(last.endedAt) - Date.parse(last.startedAt)) / 1000),
                }
              : {}),
          },
        }
      : {}),
    ...(next ? { nextRun: next.toISOString() } : {}),
    ...(running ? { running } : {}),
  };
}

/** `Tue 2026-11-24 03:00 JST`: the weekday matters for weekly and weekday-only jobs. */
function when(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(date);
  return `${weekday} ${formatInZone(date, timeZone)}`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60 ? ` ${seconds % 60}s` : ''}`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** `items.map(fn)` with at most `limit` calls in flight, results in order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
