import { nextRuns } from '../../lib/schedule/aws-cron';
import type { CatalogEntry } from '../../lib/schedule/missed-run-catalog';

/**
 * How far back, beyond its grace, a slot is still checked. The detector runs every 5 minutes:
 * each slot is looked at by 3 runs, so two failed runs in a row lose nothing, and the keys
 * read per run stay bounded (an every-minute job: at most 15 slots).
 */
export const LOOK_BACK_SECONDS = 15 * 60;

/** `<aws.scheduler.scheduled-time>` as Scheduler substitutes it and the slot key holds it. */
export const slotName = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The slots of `job` that are past their grace at `now` but not yet out of the look-back:
 * `now - grace - LOOK_BACK < slot <= now - grace`. Computed by the same cron code as
 * `npm run job -- list`, in the job's zone, so DST days have the slots Scheduler fires.
 */
export function dueSlots(job: Pick<CatalogEntry, 'cron' | 'timezone' | 'graceSeconds'>, now: Date): Date[] {
  const latest = now.getTime() - job.graceSeconds * 1000;
  const earliest = latest - LOOK_BACK_SECONDS * 1000;
  // A cron fires at most once a minute.
  const most = LOOK_BACK_SECONDS / 60 + 1;
  return nextRuns(job.cron, job.timezone, new Date(earliest), most, new Date(latest + 1));
}
