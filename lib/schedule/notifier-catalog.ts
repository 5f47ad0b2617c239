import type { PlatformConfig } from '../config';

/** What the notifier knows of one job beyond its events: where to post and how to read its times. */
export interface CatalogJob {
  readonly channel: string;
  readonly timezone: string;
  readonly retries: number;
  readonly timeoutSeconds: number;
  /** The job opted in to messages about skipped runs. */
  readonly notifySkipped: boolean;
}

/**
 * The notifier's view of the config, generated at synth and written into its bundle (an
 * esbuild constant, not an environment variable: 1,000 jobs are ~100 KB, Lambda's variables
 * hold 4 KB). No resource per job: a job's channel changes with the notifier's code hash.
 */
export interface NotifierCatalog {
  readonly environment: {
    readonly name: string;
    readonly region: string;
    /** Alarms, rejected starts, and events of jobs the catalog does not know go here. */
    readonly channel: string;
    readonly timezone: string;
  };
  readonly jobs: Readonly<Record<string, CatalogJob>>;
}

/** The identifier the notifier's bundle reads the catalog from. */
export const NOTIFIER_CATALOG_CONSTANT = '__NOTIFIER_CATALOG__';

export function notifierCatalog(config: PlatformConfig): NotifierCatalog {
  const { environment } = config;
  return {
    environment: {
      name: environment.name,
      region: environment.region,
      channel: environment.notify,
      timezone: environment.defaultTimezone,
    },
    jobs: Object.fromEntries(
      config.schedules.map((job) => [
        job.name,
        {
          channel: job.notify,
          timezone: job.timezone,
          retries: job.retries,
          timeoutSeconds: job.timeoutSeconds,
          notifySkipped: job.notifySkipped,
        },
      ]),
    ),
  };
}

/** The jobs whose skipped runs are posted: the rule on `JobSkipped` matches only these. */
export function jobsNotifiedWhenSkipped(catalog: NotifierCatalog): string[] {
  return Object.entries(catalog.jobs)
    .filter(([, job]) => job.notifySkipped)
    .map(([name]) => name)
    .sort();
}
