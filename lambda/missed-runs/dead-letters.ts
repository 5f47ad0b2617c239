import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { CatalogEntry, MissedRunCatalog } from '../../lib/schedule/missed-run-catalog';
import { jobRunnerInputSchema } from '../../lib/schedule/runner-input';
import { formatInZone } from '../../lib/schedule/time-format';
import { epochSeconds } from '../job-lease/keys';
import { putAlerts, type JobMissedDetail } from './events';
import { UNDELIVERED_MARKER_SECONDS, undeliveredKey } from './keys';
import { putOnce, release, type TableDeps } from './table';

export interface DeadLetterDeps extends TableDeps {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly events: EventBridgeClient;
  readonly eventBusName: string;
  readonly now: () => Date;
  /** MessageIds this container alerted or found alerted: no table write for them again. */
  readonly alerted: Set<string>;
}

export interface DeadLetterReport {
  readonly received: number;
  readonly alerted: readonly JobMissedDetail[];
  readonly failed: number;
}

/**
 * Messages read per run: 10 a call, 10 calls. More waiting than that is an incident the
 * queue's own alarm already reports; the next runs go on through the rest.
 */
const MAX_RECEIVES = 10;
/**
 * How long received messages stay hidden: longer than the function's timeout, so one run
 * never receives a message twice; every message is made visible again at the end of the run.
 */
export const RECEIVE_VISIBILITY_SECONDS = 120;

/** The attributes EventBridge Scheduler adds to a dead letter (documented names). */
const attribute = (message: Message, name: string) => message.MessageAttributes?.[name]?.StringValue;

/**
 * The job of a dead letter: from the body (the target input, a JobRunnerInput with the
 * scheduled time substituted), else from the schedule's name in SCHEDULE_ARN
 * (`<env>-<job>-<stack number>`), else unknown.
 */
export function decodeDeadLetter(
  message: Message,
  catalog: MissedRunCatalog,
): { job?: CatalogEntry | { name: string }; slot?: string; readable: boolean } {
  const scheduledTime = attribute(message, 'SCHEDULED_TIME');
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    body = undefined;
  }
  const input = jobRunnerInputSchema.safeParse(body);
  const known = (name: string) => catalog.jobs.find((j) => j.name === name) ?? { name };
  if (input.success) {
    return { job: known(input.data.job.name), slot: input.data.slot, readable: true };
  }
  const scheduleName = attribute(message, 'SCHEDULE_ARN')?.split('/').pop();
  const prefix = `${catalog.environment}-`;
  const fromName =
    scheduleName?.startsWith(prefix) && /-\d+$/.test(scheduleName)
      ? scheduleName.slice(prefix.length).replace(/-\d+$/, '')
      : undefined;
  return {
    ...(fromName ? { job: known(fromName) } : {}),
    ...(scheduledTime ? { slot: scheduledTime } : {}),
    readable: false,
  };
}

function deadLetterDetail(message: Message, catalog: MissedRunCatalog): JobMissedDetail {
  const { job, slot, readable } = decodeDeadLetter(message, catalog);
  const timezone = job && 'timezone' in job ? job.timezone : undefined;
  const at = slot ? new Date(slot) : undefined;
  const expectedAt = at && !Number.isNaN(at.getTime()) && timezone ? formatInZone(at, timezone) : undefined;
  const errorCode = attribute(message, 'ERROR_CODE');
  const errorMessage = attribute(message, 'ERROR_MESSAGE');
  const what = job ? `${job.name}${expectedAt ? ` (${expectedAt})` : slot ? ` (${slot})` : ''}` : 'a job';
  const why = errorCode ? `: ${errorCode}${errorMessage ? ` ${errorMessage}` : ''}` : '';
  const unreadable = readable
    ? ''
    : ` The message body is not a job runner input${job ? '; job and slot come from its attributes' : ''}: read message ${message.MessageId} in the queue.`;
  return {
    cause: 'undelivered',
    environment: catalog.environment,
    ...(job ? { job: job.name } : {}),
    ...(slot ? { slot } : {}),
    ...(expectedAt ? { expectedAt } : {}),
    ...(timezone ? { timezone } : {}),
    reason: `EventBridge Scheduler could not start ${what}${why}. Fix the cause, then ${rerun(catalog.environment, job?.name, slot)}; the message stays in the dead-letter queue until you delete it.${unreadable}`,
    deadLetter: {
      messageId: message.MessageId ?? 'unknown',
      ...(errorCode ? { errorCode } : {}),
      ...(errorMessage ? { errorMessage } : {}),
      ...optional('retryAttempts', attribute(message, 'RETRY_ATTEMPTS')),
      ...optional('scheduleArn', attribute(message, 'SCHEDULE_ARN')),
    },
  };
}

/** The command that runs exactly this slot: backfill's window is [from, to). */
function rerun(environment: string, job: string | undefined, slot: string | undefined): string {
  const at = slot ? Date.parse(slot) : Number.NaN;
  if (!job || Number.isNaN(at)) return 'run the missed slot with npm run job -- backfill';
  const to = new Date(at + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `run the slot with npm run job -- backfill ${job} --from ${slot} --to ${to} --env ${environment}`;
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  value === undefined ? {} : ({ [key]: value } as Record<K, string>);

/**
 * Alerts once per message in Scheduler's dead-letter queue, and never deletes one: operators
 * redrive from there. Each message is received, alerted (guarded by a marker per MessageId),
 * and made visible again at the end of the run.
 */
export async function alertDeadLetters(
  catalog: MissedRunCatalog,
  deps: DeadLetterDeps,
): Promise<DeadLetterReport> {
  const received: Message[] = [];
  try {
    for (let i = 0; i < MAX_RECEIVES; i++) {
      const out = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deps.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: RECEIVE_VISIBILITY_SECONDS,
          MessageAttributeNames: ['All'],
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      received.push(...messages);
    }
    return await alert(received, catalog, deps);
  } finally {
    await showAgain(received, deps);
  }
}

async function alert(
  messages: readonly Message[],
  catalog: MissedRunCatalog,
  deps: DeadLetterDeps,
): Promise<DeadLetterReport> {
  const now = deps.now();
  const fresh: Message[] = [];
  for (const message of messages) {
    const id = message.MessageId;
    if (!id || deps.alerted.has(id)) continue;
    const marked = await putOnce(
      {
        ...undeliveredKey(id),
        detectedAt: now.toISOString(),
        ttl: epochSeconds(now) + UNDELIVERED_MARKER_SECONDS,
      },
      deps,
    );
    if (marked) fresh.push(message);
    else deps.alerted.add(id);
  }
  const details = fresh.map((m) => deadLetterDetail(m, catalog));
  const accepted = await putAlerts(details, deps);
  let failed = 0;
  for (const [i, ok] of accepted.entries()) {
    const id = fresh[i]!.MessageId!;
    if (ok) {
      deps.alerted.add(id);
      continue;
    }
    failed++;
    await release(undeliveredKey(id), deps);
  }
  return { received: messages.length, alerted: details.filter((_, i) => accepted[i]), failed };
}

/** Visible again at once: a redrive started now moves them, and the next run sees them. */
async function showAgain(messages: readonly Message[], deps: DeadLetterDeps): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await deps.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: deps.queueUrl,
        Entries: chunk.map((m, j) => ({
          Id: String(j),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}
