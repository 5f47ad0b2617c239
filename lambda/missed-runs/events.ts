import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { JOB_EVENT_SOURCE } from '../../lib/schedule/naming';

/** Detail type of every missed-run alert: a slot nobody claimed, or a start Scheduler could not deliver. */
export const JOB_MISSED = 'JobMissed';

/**
 * What the notifier receives. `unclaimed`: the slot passed its grace with no claim in the jobs
 * table. `undelivered`: Scheduler gave up delivering the start and put it in its DLQ (job and
 * slot are absent when the message could not be read; `reason` says so).
 */
export interface JobMissedDetail {
  readonly cause: 'unclaimed' | 'undelivered';
  readonly environment: string;
  readonly job?: string;
  /** `<aws.scheduler.scheduled-time>`, e.g. 2026-11-23T03:00:00Z. */
  readonly slot?: string;
  /** The slot in the job's zone, e.g. `2026-11-23 12:00 JST`. */
  readonly expectedAt?: string;
  readonly timezone?: string;
  readonly graceSeconds?: number;
  /** One sentence an operator can act on. */
  readonly reason: string;
  readonly deadLetter?: {
    readonly messageId: string;
    readonly errorCode?: string;
    readonly errorMessage?: string;
    readonly retryAttempts?: string;
    readonly scheduleArn?: string;
  };
}

/** PutEvents takes at most 10 entries a call. */
const PUT_EVENTS_MAX = 10;

/**
 * Puts the alerts on the jobs bus; returns, per alert, whether EventBridge took it. A failed
 * entry is reported, never retried here: the caller releases its marker so the next run
 * alerts again.
 */
export async function putAlerts(
  details: readonly JobMissedDetail[],
  deps: { readonly events: EventBridgeClient; readonly eventBusName: string },
): Promise<boolean[]> {
  const accepted: boolean[] = [];
  for (let i = 0; i < details.length; i += PUT_EVENTS_MAX) {
    const chunk = details.slice(i, i + PUT_EVENTS_MAX);
    try {
      const out = await deps.events.send(
        new PutEventsCommand({
          Entries: chunk.map((detail) => ({
            EventBusName: deps.eventBusName,
            Source: JOB_EVENT_SOURCE,
            DetailType: JOB_MISSED,
            Detail: JSON.stringify(detail),
          })),
        }),
      );
      chunk.forEach((_, j) => accepted.push(!out.Entries?.[j]?.ErrorCode && out.Entries?.[j] !== undefined));
    } catch {
      chunk.forEach(() => accepted.push(false));
    }
  }
  return accepted;
}
