import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { CatalogEntry, MissedRunCatalog } from '../../lib/schedule/missed-run-catalog';
import { formatInZone } from '../../lib/schedule/time-format';
import { epochSeconds, pauseKey, slotKey } from '../job-lease/keys';
import { putAlerts, type JobMissedDetail } from './events';
import { MISSED_MARKER_SECONDS, missedKey, seenKey } from './keys';
import { dueSlots, slotName } from './slots';
import { batchGet, get, has, putOnce, release, type TableDeps } from './table';

export interface DetectDeps extends TableDeps {
  readonly events: EventBridgeClient;
  readonly eventBusName: string;
  readonly now: () => Date;
  /**
   * First-seen times (epoch ms) by `job fingerprint`, kept by a warm container: once known,
   * a fingerprint's time never changes, so it is read from the table once per container.
   */
  readonly firstSeen: Map<string, number>;
}

export interface DetectReport {
  readonly jobsChecked: number;
  readonly slotsChecked: number;
  readonly alerted: readonly JobMissedDetail[];
  /** Missed slots alerted by an earlier run (their marker exists). */
  readonly alreadyAlerted: number;
  /** Alerts EventBridge refused: their markers were released, the next run tries again. */
  readonly failed: number;
}

interface Candidate {
  readonly job: CatalogEntry;
  readonly at: Date;
  readonly slot: string;
}

/** Disabled in config: Scheduler's schedule is DISABLED, no slot is expected. */
function isActive(job: CatalogEntry, now: Date): boolean {
  if (!job.enabled) return false;
  // Config allows a review date only on a disabled job; should one reach an enabled job, the
  // date still says "not before then".
  return !(job.disabledUntil && job.disabledUntil > now.toISOString().slice(0, 10));
}

const seenId = (job: CatalogEntry) => `${job.name} ${job.fingerprint}`;

/**
 * When each job's current schedule was first seen. An unknown fingerprint is recorded now
 * (conditional put, so concurrent runs agree on the first one), and no slot before it counts.
 */
async function firstSeenTimes(jobs: readonly CatalogEntry[], now: Date, deps: DetectDeps): Promise<void> {
  const unknown = jobs.filter((job) => !deps.firstSeen.has(seenId(job)));
  if (unknown.length === 0) return;
  const items = await batchGet(
    unknown.map((job) => seenKey(job.name, job.fingerprint)),
    deps,
  );
  for (const job of unknown) {
    const item = get(items, seenKey(job.name, job.fingerprint));
    const recorded = typeof item?.['firstSeenEpochMs'] === 'number' ? item['firstSeenEpochMs'] : undefined;
    if (recorded !== undefined) {
      deps.firstSeen.set(seenId(job), recorded);
      continue;
    }
    await putOnce(
      {
        ...seenKey(job.name, job.fingerprint),
        cron: job.cron,
        timezone: job.timezone,
        firstSeen: now.toISOString(),
        firstSeenEpochMs: now.getTime(),
      },
      deps,
    );
    // Lost the race to a concurrent run: its time is at most seconds earlier; ours is safe.
    deps.firstSeen.set(seenId(job), now.getTime());
  }
}

/** A pause (`npm run job -- pause`) covers the slot when it began before and ends after it. */
function pausedAt(pause: Record<string, unknown> | undefined, at: Date): boolean {
  if (!pause || typeof pause['untilEpoch'] !== 'number') return false;
  if (pause['untilEpoch'] <= epochSeconds(at)) return false;
  const since = typeof pause['since'] === 'string' ? Date.parse(pause['since']) : Number.NaN;
  // A pause item without `since` is older than this detector: trust it.
  return Number.isNaN(since) || since <= at.getTime();
}

/**
 * `10m`, `2h`, `90s`, as config writes a grace. Not lib/config/duration's formatDuration:
 * that module pulls all of zod (~400 KB) into this bundle for three lines.
 */
export function graceText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function missedDetail(environment: string, c: Candidate): JobMissedDetail {
  const grace = graceText(c.job.graceSeconds);
  return {
    cause: 'unclaimed',
    environment,
    job: c.job.name,
    slot: c.slot,
    expectedAt: formatInZone(c.at, c.job.timezone),
    timezone: c.job.timezone,
    graceSeconds: c.job.graceSeconds,
    reason: `no run claimed the ${formatInZone(c.at, c.job.timezone)} slot within ${grace}: Scheduler did not start it, or the runner failed before claiming it`,
  };
}

/**
 * One detector pass: every active job's due slots (past their grace, within the look-back,
 * not before the schedule was first seen) checked against the slot claims; an unclaimed slot
 * not covered by a pause raises one `JobMissed`, once, guarded by a marker item.
 */
export async function detectMissedRuns(catalog: MissedRunCatalog, deps: DetectDeps): Promise<DetectReport> {
  const now = deps.now();
  const jobs = catalog.jobs.filter((job) => isActive(job, now));
  await firstSeenTimes(jobs, now, deps);

  const candidates: Candidate[] = jobs.flatMap((job) => {
    const since = deps.firstSeen.get(seenId(job)) ?? now.getTime();
    return dueSlots(job, now)
      .filter((at) => at.getTime() >= since)
      .map((at) => ({ job, at, slot: slotName(at) }));
  });
  const claims = await batchGet(
    candidates.map((c) => slotKey(c.job.name, c.slot)),
    deps,
  );
  const unclaimed = candidates.filter((c) => !has(claims, slotKey(c.job.name, c.slot)));
  // Pauses are read only for jobs with an unclaimed slot: usually none.
  const pauses = await batchGet(
    unclaimed.map((c) => pauseKey(c.job.name)),
    deps,
  );
  const missed = unclaimed.filter((c) => !pausedAt(get(pauses, pauseKey(c.job.name)), c.at));

  const fresh: Candidate[] = [];
  for (const c of missed) {
    const marked = await putOnce(
      {
        ...missedKey(c.job.name, c.slot),
        detectedAt: now.toISOString(),
        ttl: epochSeconds(now) + MISSED_MARKER_SECONDS,
      },
      deps,
    );
    if (marked) fresh.push(c);
  }
  const details = fresh.map((c) => missedDetail(catalog.environment, c));
  const accepted = await putAlerts(details, deps);
  let failed = 0;
  for (const [i, ok] of accepted.entries()) {
    if (ok) continue;
    failed++;
    await release(missedKey(fresh[i]!.job.name, fresh[i]!.slot), deps);
  }
  return {
    jobsChecked: jobs.length,
    slotsChecked: candidates.length,
    alerted: details.filter((_, i) => accepted[i]),
    alreadyAlerted: missed.length - fresh.length,
    failed,
  };
}
