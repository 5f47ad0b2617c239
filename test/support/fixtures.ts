import type { ScheduledJobConfig } from '../../lib/config';

/** A valid, parsed job with every default filled in; tests override what they are about. */
export function scheduledJob(overrides: Partial<ScheduledJobConfig> = {}): ScheduledJobConfig {
  return {
    name: 'nightly-report',
    description: 'test job',
    owner: 'sre',
    cron: '0 3 * * ? *',
    timezone: 'Asia/Tokyo',
    image: { directory: 'batch-job' },
    command: ['node', 'main.js', 'report'],
    environment: {},
    secrets: {},
    cpu: 256,
    memory: 512,
    timeoutSeconds: 60,
    expectedDurationSeconds: undefined,
    concurrency: 'forbid',
    retries: 0,
    capacity: 'spot',
    enabled: true,
    ...overrides,
  };
}
