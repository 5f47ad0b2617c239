import { describe, expect, it } from 'vitest';
import type { PlatformConfig } from '../../lib/config';
import {
  jobsNotifiedWhenSkipped,
  NOTIFIER_CATALOG_CONSTANT,
  notifierCatalog,
} from '../../lib/schedule/notifier-catalog';
import { scheduledJob } from '../support/fixtures';

const config = {
  environment: {
    name: 'staging',
    region: 'eu-west-1',
    notify: '#sre-staging',
    defaultTimezone: 'Europe/London',
  },
  schedules: [
    scheduledJob({ name: 'b-job', notify: '#data-batch', timezone: 'UTC', retries: 2, timeoutSeconds: 900 }),
    scheduledJob({ name: 'a-job', notifySkipped: true }),
    scheduledJob({ name: 'c-job', notifySkipped: true }),
  ],
} as unknown as PlatformConfig;

describe("the notifier's catalog", () => {
  it('carries the environment and, per job, its channel, zone, retries, timeout and opt-in', () => {
    expect(notifierCatalog(config)).toEqual({
      environment: {
        name: 'staging',
        region: 'eu-west-1',
        channel: '#sre-staging',
        timezone: 'Europe/London',
      },
      jobs: {
        'b-job': {
          channel: '#data-batch',
          timezone: 'UTC',
          retries: 2,
          timeoutSeconds: 900,
          notifySkipped: false,
        },
        'a-job': {
          channel: '#sre-batch',
          timezone: 'Asia/Tokyo',
          retries: 0,
          timeoutSeconds: 60,
          notifySkipped: true,
        },
        'c-job': {
          channel: '#sre-batch',
          timezone: 'Asia/Tokyo',
          retries: 0,
          timeoutSeconds: 60,
          notifySkipped: true,
        },
      },
    });
  });

  it('lists the jobs whose skipped runs are posted, sorted (the rule pattern stays stable)', () => {
    expect(jobsNotifiedWhenSkipped(notifierCatalog(config))).toEqual(['a-job', 'c-job']);
  });

  it('is read from one bundle constant', () => {
    expect(NOTIFIER_CATALOG_CONSTANT).toBe('__NOTIFIER_CATALOG__');
  });
});
