import type { ScheduledJobConfig } from '../../lib/config';
import { CliUsageError } from './errors';

/** The job called `name`, or a usage error suggesting the names it was probably meant to be. */
export function findJob(
  schedules: readonly ScheduledJobConfig[],
  name: string,
  environment: string,
): ScheduledJobConfig {
  const job = schedules.find((j) => j.name === name);
  if (job) return job;
  const close = closeNames(
    name,
    schedules.map((j) => j.name),
  );
  throw new CliUsageError(
    close.length > 0
      ? `no job "${name}" in ${environment}; did you mean ${close.join(', ')}?`
      : `no job "${name}" in ${environment}; its jobs are ${schedules.map((j) => j.name).join(', ')}`,
    false,
  );
}

/** Names within a few typos of `name`, or containing it (or contained in it), closest first. */
export function closeNames(name: string, candidates: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return candidates
    .map((c) => ({ c, d: c.includes(name) || name.includes(c) ? 0.5 : distance(name, c) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 5)
    .map(({ c }) => c);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
