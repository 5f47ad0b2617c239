import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { formatDuration } from '../../lib/config/duration';
import { jobNames } from '../../lib/schedule/naming';
import { epochSeconds, pauseKey } from '../../lambda/job-lease/keys';
import type { Output } from './output';
import { formatInZone } from '../../lib/schedule/time-format';

/** The longest pause: a brake, not a way to switch a job off (that is `enabled: false` in config). */
export const MAX_PAUSE_SECONDS = 7 * 86_400;
/** A pause's item stays this long after it ran out, so `status` can still say it did. */
const EXPIRED_PAUSE_KEPT_SECONDS = 7 * 86_400;
export const MAX_REASON_CHARS = 300;

/** A pause as the table holds it (lambda/job-lease reads the same item). */
export interface PauseItem {
  readonly reason: string;
  readonly by: string;
  readonly since: string;
  readonly until: string;
  readonly untilEpoch: number;
}

export interface PauseTarget {
  readonly env: EnvironmentConfig;
  readonly job: ScheduledJobConfig;
}

/**
 * `pause <job> --reason ... --for 4h`: the job's runs end Skipped, with the reason and who
 * paused it, until the pause runs out or `resume` lifts it. The runner checks the pause in the
 * same transaction that claims a slot, so it takes effect for the very next start, without a
 * deploy and without touching the schedule CloudFormation owns.
 */
export async function pauseJob(
  options: PauseTarget & { readonly reason: string; readonly forSeconds: number },
  deps: { ddb: DynamoDBDocumentClient; sts: STSClient; out: Output; now: () => Date },
): Promise<number> {
  const { env, job, reason, forSeconds } = options;
  const { Arn: by = 'unknown' } = await deps.sts.send(new GetCallerIdentityCommand({}));
  const now = deps.now();
  const until = new Date(now.getTime() + forSeconds * 1000);
  const item: PauseItem = {
    reason,
    by,
    since: now.toISOString(),
    until: until.toISOString(),
    untilEpoch: epochSeconds(until),
  };
  await deps.ddb.send(
    new PutCommand({
      TableName: jobNames(env.name).table,
      Item: { ...pauseKey(job.name), ...item, ttl: item.untilEpoch + EXPIRED_PAUSE_KEPT_SECONDS },
    }),
  );
  const { out } = deps;
  out.line(
    `${job.name} in ${env.name} is paused for ${formatDuration(forSeconds)}, until ${formatInZone(until, job.timezone)}, by ${by}: ${reason}`,
  );
  out.line('Its runs end Skipped with this reason until then. A run already in progress is not stopped.');
  if (!job.enabled) out.line(`(It is also disabled in config: ${job.disabledReason ?? 'no reason given'}.)`);
  out.line(`Lift it early: npm run job -- resume ${job.name} --env ${env.name}`);
  return 0;
}

/** `resume <job>`: lifts a pause; says whose pause it was, or that there was none in force. */
export async function resumeJob(
  options: PauseTarget,
  deps: { ddb: DynamoDBDocumentClient; out: Output; now: () => Date },
): Promise<number> {
  const { env, job } = options;
  const { Attributes } = await deps.ddb.send(
    new DeleteCommand({
      TableName: jobNames(env.name).table,
      Key: pauseKey(job.name),
      ReturnValues: 'ALL_OLD',
    }),
  );
  const pause = Attributes as Partial<PauseItem> | undefined;
  if (!pause || !isActive(pause, deps.now())) {
    deps.out.line(`${job.name} in ${env.name} was not paused; nothing changed`);
    return 0;
  }
  deps.out.line(
    `${job.name} in ${env.name} is resumed: its next scheduled run goes ahead (it was paused by ${pause.by ?? 'unknown'}: ${pause.reason ?? ''})`,
  );
  return 0;
}

/** The job's pause item, if any, with whether it is still in force. */
export async function readPause(
  target: PauseTarget,
  deps: { ddb: DynamoDBDocumentClient; now: () => Date },
): Promise<(Partial<PauseItem> & { readonly active: boolean }) | undefined> {
  const result = await deps.ddb.send(
    new GetCommand({
      TableName: jobNames(target.env.name).table,
      Key: pauseKey(target.job.name),
      ConsistentRead: true,
    }),
  );
  const item = result?.Item as Partial<PauseItem> | undefined;
  return item ? { ...item, active: isActive(item, deps.now()) } : undefined;
}

/** In force while `untilEpoch` is in the future, exactly as the runner's condition reads it. */
const isActive = (pause: Partial<PauseItem>, now: Date) =>
  typeof pause.untilEpoch === 'number' && pause.untilEpoch > epochSeconds(now);

/** One line for `status`: the pause in force, or the one that ran out not long ago. */
export function describePause(pause: Partial<PauseItem> & { active: boolean }, timeZone: string): string {
  const until = pause.until ? formatInZone(new Date(pause.until), timeZone) : 'an unknown time';
  return pause.active
    ? `PAUSED until ${until} by ${pause.by ?? 'unknown'}: ${pause.reason ?? ''}`
    : `(a pause by ${pause.by ?? 'unknown'} ran out at ${until}: ${pause.reason ?? ''})`;
}
