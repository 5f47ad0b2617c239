// zod/mini: the same validation in ~20 KB instead of ~400 KB of bundle (cold starts).
import * as z from 'zod/mini';
import { issuesText } from '../../lib/schedule/issues';
import { JOB_EVENT_SOURCE } from '../../lib/schedule/naming';

/**
 * One `Job<Status>` event's detail. The recorder publishes the whole run record; when it
 * could not, the runner publishes the outcome itself with `recorded: false` and only the
 * first six fields, so everything the recorder adds is optional here.
 */
const runDetail = z.object({
  job: z.string().check(z.minLength(1)),
  slot: z.string().check(z.minLength(1)),
  trigger: z.enum(['schedule', 'manual']),
  status: z.enum(['Succeeded', 'Failed', 'TimedOut', 'Skipped']),
  reason: z.string(),
  executionArn: z.string().check(z.startsWith('arn:')),
  recorded: z.optional(z.boolean()),
  environment: z.optional(z.string()),
  startedAt: z.optional(z.string()),
  endedAt: z.optional(z.string()),
  durationSeconds: z.optional(z.number()),
  attempts: z.optional(z.number()),
  capacity: z.optional(z.enum(['spot', 'on-demand'])),
  fellBackToOnDemand: z.optional(z.boolean()),
  exitCode: z.optional(z.number()),
  stopCode: z.optional(z.string()),
  taskArn: z.optional(z.string()),
  logStream: z.optional(z.string()),
  cause: z.optional(z.string()),
});
export type RunDetail = z.infer<typeof runDetail>;

const fallbackDetail = z.looseObject({
  job: z.string().check(z.minLength(1)),
  slot: z.string().check(z.minLength(1)),
  reason: z.optional(z.string()),
  executionArn: z.string().check(z.startsWith('arn:')),
});

/** lambda/missed-runs/events.ts `JobMissedDetail`: job and slot are absent for an unreadable dead letter. */
const missedDetail = z.looseObject({
  cause: z.optional(z.enum(['unclaimed', 'undelivered'])),
  job: z.optional(z.string().check(z.minLength(1))),
  slot: z.optional(z.string().check(z.minLength(1))),
  /** One sentence an operator can act on. */
  reason: z.optional(z.string()),
});

const notStartedDetail = z.looseObject({
  executionArn: z.string().check(z.startsWith('arn:')),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});

const eventEnvelope = z.looseObject({
  source: z.string(),
  'detail-type': z.string(),
  time: z.string(),
  detail: z.unknown(),
});

/** A CloudWatch alarm's state change, as SNS delivers it (the `Message` of the notification). */
const alarmChange = z.looseObject({
  AlarmName: z.string(),
  AlarmDescription: z.optional(z.nullable(z.string())),
  AlarmArn: z.optional(z.string()),
  NewStateValue: z.string(),
  OldStateValue: z.optional(z.string()),
  NewStateReason: z.optional(z.string()),
  StateChangeTime: z.string(),
});
export type AlarmChange = z.infer<typeof alarmChange>;

const snsEnvelope = z.looseObject({
  Type: z.literal('Notification'),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
});

export type Notice =
  | {
      readonly type: 'run';
      readonly detailType: 'JobSucceeded' | 'JobFailed' | 'JobTimedOut' | 'JobSkipped';
      readonly run: RunDetail;
      readonly at: Date;
    }
  | { readonly type: 'fallback'; readonly detail: z.infer<typeof fallbackDetail>; readonly at: Date }
  | { readonly type: 'missed'; readonly detail: z.infer<typeof missedDetail>; readonly at: Date }
  | { readonly type: 'not-started'; readonly detail: z.infer<typeof notStartedDetail>; readonly at: Date }
  | { readonly type: 'alarm'; readonly alarm: AlarmChange; readonly at: Date };

/** A message the notifier cannot act on; it is logged and dropped (retrying cannot fix it). */
export class UnreadableNotice extends Error {
  override readonly name = 'UnreadableNotice';
}

const RUN_EVENTS = ['JobSucceeded', 'JobFailed', 'JobTimedOut', 'JobSkipped'] as const;

/**
 * Reads one queue message: an EventBridge event from the jobs bus (the rules' target is the
 * queue) or an SNS notification from the alarm topic (not raw: the envelope says which).
 */
export function readNotice(body: string): Notice {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    throw new UnreadableNotice(`not JSON: ${body.slice(0, 200)}`);
  }
  const sns = snsEnvelope.safeParse(message);
  if (sns.success) {
    let alarm: unknown;
    try {
      alarm = JSON.parse(sns.data.Message);
    } catch {
      throw new UnreadableNotice(
        `the SNS message from ${sns.data.TopicArn} is not an alarm: ${sns.data.Message.slice(0, 200)}`,
      );
    }
    return { type: 'alarm', alarm: check(alarmChange, alarm, 'alarm'), at: new Date(sns.data.Timestamp) };
  }
  const event = check(eventEnvelope, message, 'event');
  if (event.source !== JOB_EVENT_SOURCE) {
    throw new UnreadableNotice(`an event from ${event.source}, not from the job runner`);
  }
  const at = new Date(event.time);
  const detailType = event['detail-type'];
  if ((RUN_EVENTS as readonly string[]).includes(detailType)) {
    return {
      type: 'run',
      detailType: detailType as (typeof RUN_EVENTS)[number],
      run: check(runDetail, event.detail, detailType),
      at,
    };
  }
  if (detailType === 'JobFellBackToOnDemand')
    return { type: 'fallback', detail: check(fallbackDetail, event.detail, detailType), at };
  if (detailType === 'JobMissed')
    return { type: 'missed', detail: check(missedDetail, event.detail, detailType), at };
  if (detailType === 'JobNotStarted') {
    return { type: 'not-started', detail: check(notStartedDetail, event.detail, detailType), at };
  }
  throw new UnreadableNotice(`no message for ${detailType} events`);
}

function check<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new UnreadableNotice(
      `${what} is not as the notifier expects: ${issuesText(parsed.error.issues, what)}`,
    );
  }
  return parsed.data;
}
