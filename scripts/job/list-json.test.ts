import { describe, expect, it } from 'vitest';
import type { PlatformConfig } from '../../lib/config';
import { scheduledJob } from '../../test/support/fixtures';
import { listJobs } from './list';
import { captureOutput } from './test-support';

describe('npm run job -- list --json', () => {
  it('gives every job with its next runs (UTC ISO) to scripts', () => {
    const config = {
      environment: {
        name: 'sandbox',
        account: '111111111111',
        region: 'ap-northeast-1',
        defaultTimezone: 'Asia/Tokyo',
      },
      schedules: [
        scheduledJob({ name: 'nightly-report', cron: '0 3 * * ? *', timezone: 'Asia/Tokyo' }),
        scheduledJob({ name: 'old-sync', enabled: false, disabledReason: 'replaced by CDC' }),
      ],
      workers: [],
      access: [],
    } as unknown as PlatformConfig;
    const out = captureOutput();
    listJobs(config, new Date('2026-11-24T01:00:00Z'), out, { json: true });
    expect(JSON.parse(out.stdout.join('\n'))).toEqual({
      environment: 'sandbox',
      from: '2026-11-24T01:00:00.000Z',
      jobs: [
        {
          name: 'nightly-report',
          cron: '0 3 * * ? *',
          timezone: 'Asia/Tokyo',
          enabled: true,
          nextRuns: ['2026-11-24T18:00:00.000Z', '2026-11-25T18:00:00.000Z', '2026-11-26T18:00:00.000Z'],
        },
        {
          name: 'old-sync',
          cron: '0 3 * * ? *',
          timezone: 'Asia/Tokyo',
          enabled: false,
          disabledReason: 'replaced by CDC',
          disabledUntil: null,
          nextRuns: [],
        },
      ],
      warnings: [],
    });
  });

  it('carries the config warnings, such as a pause whose date has passed', () => {
    const config = {
      environment: { name: 'sandbox', account: '111111111111', region: 'ap-northeast-1' },
      schedules: [
        scheduledJob({ enabled: false, disabledReason: 'partner migration', disabledUntil: '2026-11-01' }),
      ],
      workers: [],
      access: [],
    } as unknown as PlatformConfig;
    const out = captureOutput();
    listJobs(config, new Date('2026-11-24T01:00:00Z'), out, { json: true });
    expect((JSON.parse(out.stdout.join('\n')) as { warnings: string[] }).warnings).toEqual([
      'config/schedules.ts: nightly-report.disabledUntil: paused until 2026-11-01, which has passed: review the job; remove enabled: false, disabledReason and disabledUntil to run it again, or set a later disabledUntil with the reason',
    ]);
  });
});
