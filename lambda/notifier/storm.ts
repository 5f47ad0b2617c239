/**
 * Storm control: how a job's notifications become one thread per incident instead of one
 * message per run. Pure: the caller keeps the state (in the jobs table, with a TTL) and does
 * what the decision says.
 */

/** What a notification is about; each kind of a job has its own thread. */
export type NoticeKind = 'failure' | 'skipped' | 'fallback' | 'missed';

/** An open thread: the first message posted for an incident, and how often it happened since. */
export interface Thread {
  readonly kind: NoticeKind;
  /** The Slack channel and timestamp of the first message, to update it and reply under it. */
  readonly channel: string;
  readonly ts: string;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly count: number;
}

/**
 * - `post`: a new incident: post a message and open a thread with it;
 * - `update`: the same incident again: update the first message with the count;
 * - `recover`: a success after failures: reply in the thread and close it;
 * - `ignore`: nothing worth a message (a success with no incident open).
 */
export type Decision =
  | { readonly action: 'post' }
  | { readonly action: 'update'; readonly thread: Thread; readonly count: number }
  | { readonly action: 'recover'; readonly thread: Thread }
  | { readonly action: 'ignore' };

/** A repeat later than this after the previous one starts a new incident (and a new message). */
export const DEFAULT_QUIET_MINUTES = 6 * 60;

/**
 * What to do with one notice, given the job's open thread of the same kind, if any.
 * A success only ever closes a failure thread.
 */
export function decide(
  notice: { readonly kind: NoticeKind | 'success'; readonly at: Date },
  open: Thread | undefined,
  quietMinutes = DEFAULT_QUIET_MINUTES,
): Decision {
  if (notice.kind === 'success') {
    return open?.kind === 'failure' ? { action: 'recover', thread: open } : { action: 'ignore' };
  }
  if (!open || open.kind !== notice.kind) return { action: 'post' };
  const sinceLast = notice.at.getTime() - Date.parse(open.lastAt);
  if (sinceLast > quietMinutes * 60_000) return { action: 'post' };
  return { action: 'update', thread: open, count: open.count + 1 };
}

/** The thread after a `post` or an `update`: what the caller stores. */
export function threadAfter(
  decision: Extract<Decision, { action: 'post' | 'update' }>,
  notice: { readonly kind: NoticeKind; readonly at: Date },
  posted?: { readonly channel: string; readonly ts: string },
): Thread {
  const at = notice.at.toISOString();
  if (decision.action === 'update') return { ...decision.thread, lastAt: at, count: decision.count };
  if (!posted) throw new Error('notifier: a new thread needs the message it starts with');
  return { kind: notice.kind, channel: posted.channel, ts: posted.ts, firstAt: at, lastAt: at, count: 1 };
}
