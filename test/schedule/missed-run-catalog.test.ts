import { describe, expect, it } from 'vitest';
import {
  missedRunCatalog,
  parseMissedRunCatalog,
  scheduleFingerprint,
} from '../../lib/schedule/missed-run-catalog';
import { scheduledJob } from '../support/fixtures';

describe('missedRunCatalog', () => {
  it('lists every job with what the detector needs, disabled ones included', () => {
    const catalog = missedRunCatalog('staging', [
      scheduledJob({ missedRunGraceSeconds: 1800 }),
      scheduledJob({ name: 'old', enabled: false, disabledReason: 'retired', disabledUntil: '2027-01-01' }),
    ]);
    expect(catalog).toEqual({
      version: 1,
      environment: 'staging',
      jobs: [
        {
          name: 'nightly-report',
          cron: '0 3 * * ? *',
          timezone: 'Asia/Tokyo',
          enabled: true,
          graceSeconds: 1800,
          fingerprint: scheduleFingerprint(scheduledJob()),
        },
        {
          name: 'old',
          cron: '0 3 * * ? *',
          timezone: 'Asia/Tokyo',
          enabled: false,
          disabledUntil: '2027-01-01',
          graceSeconds: 600,
          fingerprint: scheduleFingerprint(scheduledJob({ enabled: false })),
        },
      ],
    });
    expect(parseMissedRunCatalog(JSON.stringify(catalog))).toEqual(catalog);
  });

  it('changes a fingerprint with the cron, the zone or the enabled state, and nothing else', () => {
    const base = scheduleFingerprint(scheduledJob());
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(scheduleFingerprint(scheduledJob({ cron: '0 4 * * ? *' }))).not.toBe(base);
    expect(scheduleFingerprint(scheduledJob({ timezone: 'UTC' }))).not.toBe(base);
    expect(scheduleFingerprint(scheduledJob({ enabled: false }))).not.toBe(base);
    expect(scheduleFingerprint(scheduledJob({ description: 'other', timeoutSeconds: 120 }))).toBe(base);
  });

  it('stays about 200 bytes a job, so 1,000 jobs are a small layer file', () => {
    const jobs = Array.from({ length: 1000 }, (_, i) => scheduledJob({ name: `job-number-${i}` }));
    const bytes = JSON.stringify(missedRunCatalog('production', jobs)).length;
    expect(bytes).toBeLessThan(200_000);
  });

  it('rejects a catalog it cannot trust, saying where', () => {
    expect(() => parseMissedRunCatalog('{"version":1,"environment":"x","jobs":[{"name":"a"}]}')).toThrow(
      /^missed-run catalog is invalid: jobs\.0\.cron: /,
    );
  });
});
