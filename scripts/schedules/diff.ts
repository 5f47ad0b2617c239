import type { ScheduledJobConfig } from '../../lib/config';
import { upcoming } from './report';

/** Fields whose change a reviewer must see, in the order they are printed. */
const FIELDS = [
  'cron',
  'timezone',
  'enabled',
  'disabledReason',
  'disabledUntil',
  'command',
  'image',
  'environment',
  'secrets',
  'cpu',
  'memory',
  'timeoutSeconds',
  'expectedDurationSeconds',
  'concurrency',
  'retries',
  'capacity',
  'owner',
  'notify',
  'description',
] as const satisfies readonly (keyof ScheduledJobConfig)[];

/**
 * What a pull request changes in the schedules: added, removed and changed jobs, each change
 * as `field: old -> new`, and for a new time the old and new next runs side by side.
 */
export function diffSchedules(
  base: readonly ScheduledJobConfig[],
  head: readonly ScheduledJobConfig[],
  from: Date,
): string[] {
  const before = new Map(base.map((j) => [j.name, j]));
  const after = new Map(head.map((j) => [j.name, j]));
  const lines: string[] = [];
  for (const job of head.filter((j) => !before.has(j.name))) {
    lines.push(`+ added   ${job.name}: ${job.cron} ${job.timezone}${job.enabled ? '' : ' (disabled)'}`);
    if (job.enabled) lines.push(`      next: ${upcoming(job, from)}`);
  }
  for (const job of base.filter((j) => !after.has(j.name))) {
    lines.push(`- removed ${job.name}: was ${job.cron} ${job.timezone}`);
  }
  for (const job of head) {
    const old = before.get(job.name);
    if (!old) continue;
    const changes = FIELDS.filter((f) => JSON.stringify(old[f]) !== JSON.stringify(job[f]));
    if (changes.length === 0) continue;
    lines.push(`~ changed ${job.name}`);
    for (const f of changes) lines.push(`      ${f}: ${show(old[f])} -> ${show(job[f])}`);
    if (changes.some((f) => f === 'cron' || f === 'timezone' || f === 'enabled')) {
      lines.push(`      next before: ${old.enabled ? upcoming(old, from) : '(disabled)'}`);
      lines.push(`      next after:  ${job.enabled ? upcoming(job, from) : '(disabled)'}`);
    }
  }
  return lines.length > 0 ? lines : ['no schedule changes'];
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value);
}
