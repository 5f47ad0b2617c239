/**
 * Keys of the job table (`<env>-batch-jobs`: partition key `pk`, sort key `sk`, TTL `ttl`).
 * The lease Lambda, the recorder (which releases the lease) and the CLI use these shapes.
 */
export const leaseKey = (job: string) => ({ pk: `LEASE#${job}`, sk: 'LEASE' });
export const slotKey = (job: string, slot: string) => ({ pk: `SLOT#${job}`, sk: slot });
/**
 * An operator's pause (`npm run job -- pause`): `reason`, `by`, `until` (ISO) and `untilEpoch`
 * (seconds), which the lease's claim checks in the same transaction.
 */
export const pauseKey = (job: string) => ({ pk: `PAUSE#${job}`, sk: 'PAUSE' });

/** A released lease's record is gone from the table a week after its expected end (TTL). */
export const LEASE_TTL_GRACE_SECONDS = 7 * 86_400;
/** Slot claims outlive any retry of a scheduled start (Scheduler retries for at most 24 h). */
export const SLOT_CLAIM_SECONDS = 35 * 86_400;

export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * The notifier's open thread of one kind for a job (`failure`, `skipped`, `fallback`,
 * `missed`): where its first message is and how often it happened since (see lambda/notifier).
 */
export const noticeKey = (job: string, kind: string) => ({ pk: `NOTICE#${job}`, sk: kind });
