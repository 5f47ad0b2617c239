/**
 * The detector's own items in the jobs table, beside the runner's (lambda/job-lease/keys.ts).
 * Each is written with `attribute_not_exists(pk)`, so two detector runs racing each other
 * still record a fingerprint once and alert once.
 */

/** When the detector first saw a job's schedule fingerprint: slots before it are not expected. */
export const seenKey = (job: string, fingerprint: string) => ({ pk: `SEEN#${job}`, sk: fingerprint });
/** One missed slot, alerted: a second detector run finds it and stays silent. */
export const missedKey = (job: string, slot: string) => ({ pk: `MISSED#${job}`, sk: slot });
/** One Scheduler dead letter, alerted (by SQS MessageId). */
export const undeliveredKey = (messageId: string) => ({ pk: 'UNDELIVERED', sk: messageId });

/** A missed slot's marker outlives the detector's look-back by far; then TTL removes it. */
export const MISSED_MARKER_SECONDS = 7 * 86_400;
/** The Scheduler DLQ keeps a message 14 days: its marker must outlive it. */
export const UNDELIVERED_MARKER_SECONDS = 15 * 86_400;
