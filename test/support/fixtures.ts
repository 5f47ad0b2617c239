import type { ScheduledJobConfig } from '../../lib/config';
import type { ScheduledJobInput } from '../../lib/config/schedule-schema';

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
    missedRunGraceSeconds: 600,
    startingDeadlineSeconds: 3600,
    concurrency: 'forbid',
    retries: 0,
    capacity: 'spot',
    enabled: true,
    notify: '#sre-batch',
    notifySkipped: false,
    ...overrides,
  };
}

/**
 * A job as an operator writes it in config/schedules.ts, with only the required fields:
 * config tests build on it rather than reading config/, so editing the shipped schedules
 * never breaks them.
 */
export const jobInput: ScheduledJobInput = {
  name: 'nightly-report',
  description: 'Builds the nightly report',
  owner: 'sre',
  cron: '0 3 * * ? *',
  command: ['node', 'main.js', 'sales-report'],
  timeout: '30m',
};
