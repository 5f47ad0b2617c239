import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { jobNames } from '../../lib/schedule/naming';
import { logStreamUrl } from '../../lib/schedule/console-links';
import { formatTable, type Output } from './output';
import { describePause, readPause } from './pause';
import { latestRuns, type RunRecord } from './run-records';
import { formatInZone } from '../../lib/schedule/time-format';

export interface StatusOptions {
  readonly env: EnvironmentConfig;
  readonly job: ScheduledJobConfig;
  readonly limit: number;
  /** The records and the pause as JSON, for scripts. */
  readonly json?: boolean;
}

/** The job's recent runs from the run records table, newest first, in the job's time zone. */
export async function jobStatus(
  options: StatusOptions,
  deps: { ddb: DynamoDBDocumentClient; out: Output; now: () => Date },
): Promise<number> {
  const { env, job, limit } = options;
  const { out } = deps;
  const pause = await readPause({ env, job }, deps);
  const { records, unreadable } = await latestRuns(
    { ddb: deps.ddb, environment: env.name, job: job.name },
    limit,
  );
  if (options.json) {
    const { pk: _pk, sk: _sk, ...pauseFields } = (pause ?? {}) as Record<string, unknown>;
    out.line(
      JSON.stringify(
        {
          job: job.name,
          environment: env.name,
          enabled: job.enabled,
          ...(pause ? { pause: pauseFields } : {}),
          runs: records.map(({ pk: _p, sk: _s, ...record }) => record),
          unreadable,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const state = job.enabled ? '' : ` (disabled: ${job.disabledReason ?? 'no reason given'})`;
  if (records.length === 0) {
    out.line(`${job.name} in ${env.name}${state}: no runs recorded yet (records are kept 180 days)`);
    if (pause) out.line(describePause(pause, job.timezone));
    return 0;
  }
  out.line(
    `${job.name} in ${env.name}${state}: last ${records.length} runs, newest first, times in ${job.timezone}`,
  );
  if (pause) out.line(describePause(pause, job.timezone));
  out.line();
  const rows = records.map((r) => row(r, job.timezone));
  for (const line of formatTable(
    ['STARTED', 'ENDED', 'STATUS', 'TRIGGER', 'CAPACITY', 'EXIT', 'REASON'],
    rows,
  )) {
    out.line(line);
  }
  if (unreadable > 0) out.line(`(${unreadable} records could not be read and are not shown)`);
  const latest = records[0];
  if (latest?.logStream) {
    out.line();
    out.line(
      `logs of the latest run: ${logStreamUrl(env.region, jobNames(env.name).logGroup, latest.logStream)}`,
    );
  }
  return 0;
}

function row(record: RunRecord, timeZone: string): string[] {
  const started = new Date(record.startedAt);
  const ended = record.endedAt ? new Date(record.endedAt) : undefined;
  const startedText = Number.isNaN(started.getTime())
    ? record.startedAt
    : formatInZone(started, timeZone, { seconds: true });
  let endedText = '-';
  if (ended && !Number.isNaN(ended.getTime())) {
    const full = formatInZone(ended, timeZone, { seconds: true });
    // Same day as the start: the time alone reads faster.
    endedText = full.slice(0, 10) === startedText.slice(0, 10) ? full.slice(11) : full;
  }
  return [
    startedText,
    endedText,
    record.status,
    record.trigger ?? '-',
    record.capacity ?? '-',
    record.exitCode === undefined ? '-' : String(record.exitCode),
    record.reason ?? '',
  ];
}
