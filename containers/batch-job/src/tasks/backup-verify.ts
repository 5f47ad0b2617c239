import { z } from 'zod';
import { requireUrlEnv } from '../env';
import { JobFailure } from '../errors';
import { requestJson } from '../http';
import type { Task } from '../task';

/** Backups run nightly; 26 h leaves two hours of slack for a slow one before we call it missing. */
export const MAX_SNAPSHOT_AGE_HOURS = 26;
const HOUR_MS = 3_600_000;

const statusSchema = z.object({
  snapshots: z.array(z.object({ id: z.string().min(1), createdAt: z.iso.datetime({ offset: true }) })),
});

/** Fails unless the newest database snapshot is younger than 26 hours. */
export const backupVerify: Task = {
  usage: 'backup-verify',
  async run(ctx) {
    const url = requireUrlEnv(ctx.env, 'BACKUP_STATUS_URL', 'the URL of the backup status API');
    const { snapshots } = await requestJson(ctx, 'backup status API', url, statusSchema);
    const newest = snapshots.reduce<(typeof snapshots)[number] | undefined>(
      (best, s) => (!best || Date.parse(s.createdAt) > Date.parse(best.createdAt) ? s : best),
      undefined,
    );
    if (!newest) throw new JobFailure('backup status API lists no snapshots at all');
    const ageMs = ctx.now().getTime() - Date.parse(newest.createdAt);
    const age = formatAge(ageMs);
    ctx.log.info('newest snapshot', {
      snapshot: newest.id,
      createdAt: newest.createdAt,
      ageMinutes: Math.floor(ageMs / 60_000),
    });
    if (ageMs > MAX_SNAPSHOT_AGE_HOURS * HOUR_MS) {
      throw new JobFailure(
        `newest snapshot ${newest.id} was taken ${age} ago (${newest.createdAt}), more than ${MAX_SNAPSHOT_AGE_HOURS} h: last night's backup is missing`,
      );
    }
    return `newest snapshot ${newest.id} is ${age} old (limit ${MAX_SNAPSHOT_AGE_HOURS} h), ${snapshots.length} snapshots listed`;
  },
};

/** "26 h 1 min": a one-decimal "26.0 h" would hide the minute that failed the check. */
function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}
