import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ScheduledJobConfig } from '../../lib/config';
import { scheduledJob } from '../../test/support/fixtures';
import { BaseError, schedulesAt, schedulesFromSource } from './base';
import { diffSchedules } from './diff';
import { peakUsage, runsInDay, scheduleTable, scheduleWarnings } from './report';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import { FIXTURE_BASE } from './test-support';

const FROM = new Date('2026-11-22T00:00:00Z'); // Sunday 09:00 in Tokyo
const { environment } = loadConfig('sandbox', FIXTURE_CONFIG);
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
      '      next 3 runs:',
      '        before                    after',
      '        2026-11-23 03:00 JST  ->  2026-11-23 04:00 JST',
      '        2026-11-24 03:00 JST  ->  2026-11-24 04:00 JST',
      '        2026-11-25 03:00 JST  ->  2026-11-25 04:00 JST',
    ]);
  });

  it('shows a new zone’s runs in that zone, durations as written, and a disabled side as such', () => {
    const lines = diffSchedules(
      [job({ name: 'report', timeoutSeconds: 600 })],
      [job({ name: 'report', timezone: 'Europe/London', enabled: false, disabledReason: 'paused' })].map(
        (j) => ({ ...j, timeoutSeconds: 5400 }),
      ),
      FROM,
    );
    expect(lines).toContain('      timezone: Asia/Tokyo -> Europe/London');
    expect(lines).toContain('      timeoutSeconds: 10m -> 90m');
    expect(lines).toContain('      enabled: true -> false');
    expect(lines).toContain('        2026-11-23 03:00 JST  ->  (disabled)');
    const moved = diffSchedules([job({})], [job({ timezone: 'Europe/London' })], FROM);
    expect(moved).toContain('        2026-11-23 03:00 JST  ->  2026-11-22 03:00 GMT');
  });

  it('shows a changed starting deadline, which changes when a late start is given up', () => {
    expect(
      diffSchedules([job({ name: 'poll' })], [job({ name: 'poll', startingDeadlineSeconds: 300 })], FROM),
    ).toEqual(['~ changed poll', '      startingDeadlineSeconds: 1h -> 5m']);
  });

  it('says so when nothing changed', () => {
    expect(diffSchedules([job({})], [job({})], FROM)).toEqual(['no schedule changes']);
  });

  it('loads the schedules of a git revision through the same validation: HEAD against itself is no change', () => {
    const head = schedulesAt('HEAD', 'sandbox', FIXTURE_BASE);
    expect(head.map((j) => j.name)).toContain('nightly-sales-report');
    expect(diffSchedules(head, schedulesAt('HEAD', 'sandbox', FIXTURE_BASE), FROM)).toEqual([
      'no schedule changes',
    ]);
  });

  it('refuses an unknown ref, a ref without the file, and an option posing as a ref, in one line', () => {
    const message = (ref: string) => {
      try {
        schedulesAt(ref, 'sandbox');
      } catch (error) {
        expect(error).toBeInstanceOf(BaseError);
        return (error as Error).message;
      }
      throw new Error(`--base ${ref} was accepted`);
    };
    expect(message('no-such-ref-xyz')).toMatch(/^--base no-such-ref-xyz: no such revision here/);
    expect(message('--output=/tmp/x')).toBe('--base "--output=/tmp/x": not a git revision');
    const firstCommit = execFileSync('git', ['rev-list', '--max-parents=0', 'HEAD'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0]!;
    // The repository's first commit predates config/schedules.ts only if the file came later.
    const hasFile = spawnSync('git', ['cat-file', '-e', `${firstCommit}:config/schedules.ts`]).status === 0;
    if (!hasFile)
      expect(message(firstCommit)).toBe(`--base ${firstCommit}: that revision has no config/schedules.ts`);
  });

  it('reports a base file that does not validate, or does not load, in one line naming the job', () => {
    const source = (cron: string) =>
      `export const schedules = [{ name: 'old-job', description: 'd', owner: 'sre', cron: '${cron}', command: ['x'], timeout: '5m' }];`;
    expect(schedulesFromSource(source('0 3 * * ? *'), 'main', 'sandbox').map((j) => j.cron)).toEqual([
      '0 3 * * ? *',
    ]);
    expect(() => schedulesFromSource(source('0 3 * * *'), 'main', 'sandbox')).toThrow(
      /^--base main: its config\/schedules\.ts does not validate for sandbox: old-job\.cron: "0 3 \* \* \*" has 5 fields[^\n]*$/,
    );
    expect(() => schedulesFromSource('export const schedules = [', 'main', 'sandbox')).toThrow(
      /^--base main: its config\/schedules\.ts does not load: [^\n]+$/,
    );
    expect(() => schedulesFromSource('export const jobs = [];', 'main', 'sandbox')).toThrow(
      '--base main: its config/schedules.ts exports no "schedules" list',
    );
  });
});
