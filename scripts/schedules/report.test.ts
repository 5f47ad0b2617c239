import { describe, expect, it } from 'vitest';
import { loadConfig, type ScheduledJobConfig } from '../../lib/config';
import { scheduledJob } from '../../test/support/fixtures';
import { schedulesAt } from './base';
import { diffSchedules } from './diff';
import { peakUsage, runsInDay, scheduleTable, scheduleWarnings } from './report';

const FROM = new Date('2026-11-22T00:00:00Z'); // Sunday 09:00 in Tokyo
const { environment } = loadConfig('sandbox');
const job = (overrides: Partial<ScheduledJobConfig>) =>
  scheduledJob({ name: 'j', timeoutSeconds: 600, ...overrides });

describe('scheduleTable', () => {
  it('shows each job’s next three runs in its own zone', () => {
    const [, row] = scheduleTable([job({ name: 'nightly', cron: '30 0 1 * ? *' })], FROM);
    expect(row).toContain('2026-12-01 00:30 JST, 2027-01-01 00:30 JST, 2027-02-01 00:30 JST');
    expect(row).toMatch(/10m\s+forbid\s+spot\s+enabled/);
  });
});

describe('scheduleWarnings', () => {
  it('flags a forbid job whose timeout is longer than its interval, and not an allow one', () => {
    const warnings = scheduleWarnings(
      [
        job({ name: 'every-5', cron: '*/5 * * * ? *', timeoutSeconds: 600 }),
        job({ name: 'allowed', cron: '*/5 * * * ? *', timeoutSeconds: 600, concurrency: 'allow' }),
      ],
      environment,
      FROM,
    );
    expect(warnings.filter((w) => w.includes('shortest interval'))).toEqual([
      expect.stringMatching(/^every-5: timeout 10m is longer than its shortest interval 5m/),
    ]);
  });

  it('flags a minute where four jobs start together, naming them', () => {
    const jobs = ['a', 'b', 'c', 'd'].map((name) => job({ name }));
    expect(scheduleWarnings(jobs, environment, FROM)).toContainEqual(
      '2026-11-23 03:00 JST: 4 jobs start together (a, b, c, d); spread them if they share a database or API',
    );
    expect(scheduleWarnings(jobs.slice(0, 3), environment, FROM).join()).not.toContain('start together');
  });

  it('flags overlapping runs whose vCPU exceeds the Fargate quota', () => {
    const big = (name: string, cron: string) =>
      job({ name, cron, cpu: 4096, memory: 8192, expectedDurationSeconds: 3600 });
    const jobs = [big('x', '0 3 * * ? *'), big('y', '30 3 * * ? *')]; // 4 + 4 vCPU overlap 03:30-04:00
    expect(peakUsage(runsInDay(jobs, FROM))).toMatchObject({ vcpu: 8, memoryGiB: 16, jobs: ['x', 'y'] });
    expect(scheduleWarnings(jobs, environment, FROM)).toContainEqual(
      expect.stringMatching(
        /^peak 8 vCPU at 2026-11-23 03:30 JST \(x, y\) exceeds the account's Fargate quota of 6 vCPU/,
      ),
    );
    // back to back is not overlap
    expect(peakUsage(runsInDay([big('x', '0 3 * * ? *'), big('y', '0 4 * * ? *')], FROM)).vcpu).toBe(4);
  });

  it('flags a disabled job with no review date', () => {
    expect(
      scheduleWarnings([job({ name: 'off', enabled: false, disabledReason: 'x' })], environment, FROM),
    ).toEqual(['off: disabled with no disabledUntil; add the date it should be reviewed, or delete the job']);
  });
});

describe('diffSchedules', () => {
  it('shows a changed cron with old and new next runs, and added and removed jobs', () => {
    const lines = diffSchedules(
      [job({ name: 'report' }), job({ name: 'gone' })],
      [job({ name: 'report', cron: '0 4 * * ? *' }), job({ name: 'new', cron: '0 9 ? * MON-FRI *' })],
      FROM,
    );
    expect(lines).toEqual([
      '+ added   new: 0 9 ? * MON-FRI * Asia/Tokyo',
      '      next: 2026-11-23 09:00 JST, 2026-11-24 09:00 JST, 2026-11-25 09:00 JST',
      '- removed gone: was 0 3 * * ? * Asia/Tokyo',
      '~ changed report',
      '      cron: 0 3 * * ? * -> 0 4 * * ? *',
      '      next before: 2026-11-23 03:00 JST, 2026-11-24 03:00 JST, 2026-11-25 03:00 JST',
      '      next after:  2026-11-23 04:00 JST, 2026-11-24 04:00 JST, 2026-11-25 04:00 JST',
    ]);
  });

  it('says so when nothing changed', () => {
    expect(diffSchedules([job({})], [job({})], FROM)).toEqual(['no schedule changes']);
  });

  it('loads the schedules of a git revision through the same validation', () => {
    const head = schedulesAt('HEAD', 'sandbox');
    expect(head.map((j) => j.name)).toContain('nightly-sales-report');
    expect(() => schedulesAt('no-such-ref-xyz', 'sandbox')).toThrow(
      /--base no-such-ref-xyz: no config\/schedules\.ts/,
    );
  });
});
