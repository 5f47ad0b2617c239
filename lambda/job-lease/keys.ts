/**
 * Keys of the job table (`<env>-batch-jobs`: partition key `pk`, sort key `sk`, TTL `ttl`).
 * The lease Lambda, the job runner's ReleaseLease state, the recorder and the CLI all use
 * these shapes.
 */
export const leaseKey = (job: string) => ({ pk: `LEASE#${job}`, sk: 'LEASE' });
export const slotKey = (job: string, slot: string) => ({ pk: `SLOT#${job}`, sk: slot });
export const runKey = (job: string, startedAt: string, executionName: string) => ({
  pk: `RUN#${job}`,
  sk: `${startedAt}#${executionName}`,
});

/** A released or expired lease is gone from the table a week later (DynamoDB TTL). */
export const LEASE_TTL_GRACE_SECONDS = 7 * 86_400;
/** Slot claims outlive any retry of a scheduled start (Scheduler retries for at most 24 h). */
export const SLOT_CLAIM_SECONDS = 35 * 86_400;
