import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { nextRuns } from '../../lib/schedule/aws-cron';
import { jobNames, stateMachineArn } from '../../lib/schedule/naming';
import { jobRunnerInput, parseJobRunnerInput } from '../../lib/schedule/runner-input';
import { slotKey } from '../../lambda/job-lease/keys';
import { CliError } from './errors';
import { formatTable, type Output } from './output';
import { waitForEnd } from './run';
import { formatInZone } from '../../lib/schedule/time-format';

/** More slots than this in one window is a mistake (an every-minute job over a week), not a backfill. */
export const MAX_BACKFILL_SLOTS = 100;

export interface BackfillOptions {
  readonly env: EnvironmentConfig;
  readonly job: ScheduledJobConfig;
  readonly from: Date;
  readonly to: Date;
  /** List the slots and what would happen to each, start nothing. */
  readonly dryRun: boolean;
}

export interface BackfillDeps {
  readonly sfn: SFNClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly out: Output;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly uuid: () => string;
}

/** A slot of the window, as Scheduler would have named it, and whether a run claimed it. */
interface Slot {
  readonly at: Date;
  /** `<aws.scheduler.scheduled-time>`: ISO 8601 to the second, as the slot key holds it. */
  readonly key: string;
  readonly claim?: { readonly outcome: string; readonly executionArn: string };
}

/**
 * `backfill <job> --from <t> --to <t> [--dry-run]`: runs the slots the job's cron had in the
 * window [from, to) that no run claimed, oldest first and one at a time, each through the runner
 * with its real slot key. The lease treats them as it would the scheduled starts: a slot that
 * did run (or that runs meanwhile) is a duplicate, never a second run. Stops at the first run
 * that does not succeed, so the operator decides about the rest.
 */
export async function backfillJob(options: BackfillOptions, deps: BackfillDeps): Promise<number> {
  const { env, job, from, to } = options;
  const { out } = deps;
  if (from >= to) throw new CliError('--from must be before --to');
  if (to > deps.now()) throw new CliError('--to is in the future: backfill runs slots that have passed');
  const times = nextRuns(job.cron, job.timezone, new Date(from.getTime() - 1), MAX_BACKFILL_SLOTS + 1, to);
  if (times.length > MAX_BACKFILL_SLOTS) {
    throw new CliError(
      `the window holds more than ${MAX_BACKFILL_SLOTS} slots of ${job.name} (${job.cron}); narrow --from/--to`,
    );
  }
  const slots = await Promise.all(times.map((at) => slotOf(at, options, deps)));
  const missing = slots.filter((s) => !s.claim);
  out.line(
    `${job.name} in ${env.name}: ${slots.length} slots from ${formatInZone(from, job.timezone)} to ${formatInZone(to, job.timezone)}, ${missing.length} not run`,
  );
  if (slots.length > 0) {
    for (const line of formatTable(
      ['SLOT', 'UTC', 'STATE'],
      slots.map((s) => [
        formatInZone(s.at, job.timezone),
        s.key,
        s.claim
          ? `${s.claim.outcome} (${s.claim.executionArn.split(':').pop()})`
          : options.dryRun
            ? 'would run'
            : 'runs now',
      ]),
    )) {
      out.line(line);
    }
  }
  if (options.dryRun || missing.length === 0) return 0;
  if (!job.enabled) {
    throw new CliError(
      `${job.name} is disabled in ${env.name}: ${job.disabledReason ?? 'no reason given'}; nothing started`,
    );
  }

  for (const [index, slot] of missing.entries()) {
    const name = backfillExecutionName(job.name, slot.key, deps.uuid());
    const started = await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stateMachineArn(env),
        name,
        input: JSON.stringify(parseJobRunnerInput(jobRunnerInput(env.name, job, 'schedule', slot.key))),
      }),
    );
    out.line(`[${index + 1}/${missing.length}] ${slot.key}: started ${name}`);
    const execution = started.executionArn ? await waitForEnd(started.executionArn, job, deps) : undefined;
    const status = execution?.status ?? 'still running';
    out.line(`[${index + 1}/${missing.length}] ${slot.key}: ${status}`);
    if (status !== 'SUCCEEDED') {
      const left = missing.length - index - 1;
      out.error(
        `error: stopped the backfill at ${slot.key} (${status}); ${left} slot(s) left: npm run job -- status ${job.name} --env ${env.name} says why`,
      );
      return 1;
    }
  }
  return 0;
}

async function slotOf(at: Date, options: BackfillOptions, deps: BackfillDeps): Promise<Slot> {
  const key = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const result = await deps.ddb.send(
    new GetCommand({ TableName: jobNames(options.env.name).table, Key: slotKey(options.job.name, key) }),
  );
  const item = result?.Item as { outcome?: string; executionArn?: string } | undefined;
  return item
    ? { at, key, claim: { outcome: item.outcome ?? 'claimed', executionArn: item.executionArn ?? '' } }
    : { at, key };
}

/** `backfill-<job>-<slot>-<8 hex>`: says what it is in the console, within Step Functions' 80 characters. */
export function backfillExecutionName(job: string, slot: string, id: string): string {
  const stamp = slot.replace(/[-:]/g, '');
  const suffix = id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
  const room = 80 - 'backfill-'.length - stamp.length - suffix.length - 2;
  return `backfill-${job.slice(0, room)}-${stamp}-${suffix}`;
}
