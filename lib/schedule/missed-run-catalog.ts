import { createHash } from 'node:crypto';
// zod/mini: the detector Lambda parses the catalog at cold start; bundle size is cold-start time.
import * as z from 'zod/mini';
import type { ScheduledJobConfig } from '../config/schedule-schema';
import { issuesText } from './issues';

/**
 * What the missed-run detector knows of each job: the catalog is generated at synth from the
 * validated config and shipped beside the Lambda (a layer file), so 1,000 jobs cost no
 * resource each and no 4 KB environment-variable or SSM limit applies.
 */
export const CATALOG_FILE_NAME = 'missed-run-catalog.json';

const catalogEntrySchema = z.strictObject({
  name: z.string().check(z.minLength(1)),
  cron: z.string().check(z.minLength(1)),
  timezone: z.string().check(z.minLength(1)),
  enabled: z.boolean(),
  disabledUntil: z.optional(z.string()),
  graceSeconds: z.number().check(z.int(), z.positive()),
  /** Changes whenever what Scheduler fires changes: cron, zone or enabled state. */
  fingerprint: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
});

export const missedRunCatalogSchema = z.strictObject({
  version: z.literal(1),
  environment: z.string().check(z.minLength(1)),
  jobs: z.array(catalogEntrySchema),
});

export type MissedRunCatalog = z.infer<typeof missedRunCatalogSchema>;
export type CatalogEntry = MissedRunCatalog['jobs'][number];

/**
 * A schedule's identity: the detector ignores slots from before it first saw a fingerprint,
 * so a new job, a changed cron or a re-enabled job never alerts for slots it was not
 * scheduled to have.
 */
export function scheduleFingerprint(job: Pick<ScheduledJobConfig, 'cron' | 'timezone' | 'enabled'>): string {
  return createHash('sha256')
    .update(JSON.stringify([job.cron, job.timezone, job.enabled]))
    .digest('hex')
    .slice(0, 16);
}

/** The catalog of one environment's jobs, in config order; a pure function of the config. */
export function missedRunCatalog(environment: string, jobs: readonly ScheduledJobConfig[]): MissedRunCatalog {
  return {
    version: 1,
    environment,
    jobs: jobs.map((job) => ({
      name: job.name,
      cron: job.cron,
      timezone: job.timezone,
      enabled: job.enabled,
      ...(job.disabledUntil ? { disabledUntil: job.disabledUntil } : {}),
      graceSeconds: job.missedRunGraceSeconds,
      fingerprint: scheduleFingerprint(job),
    })),
  };
}

/** Reads a catalog file's text; a catalog this code cannot trust is an error, never "no jobs". */
export function parseMissedRunCatalog(text: string): MissedRunCatalog {
  const parsed = missedRunCatalogSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`missed-run catalog is invalid: ${issuesText(parsed.error.issues, 'catalog')}`);
  }
  return parsed.data;
}
