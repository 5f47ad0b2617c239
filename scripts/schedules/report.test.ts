import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ScheduledJobConfig } from '../../lib/config';
import { scheduledJob } from '../../test/support/fixtures';
import { BaseError, configAt, configFromSources } from './base';
import { diffSchedules } from './diff';
import { crowdedMinutes, peakUsage, runsInDay, scheduleTable, scheduleWarnings, weekStart } from './report';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import { FIXTURE_BASE } from './test-support';

const FROM = new Date('2026-11-22T00:00:00Z'); // Sunday 09:00 in Tokyo
const { environment } = loadConfig('sandbox', FIXTURE_CONFIG);
const job = (overrides: Partial<ScheduledJobConfig>) =>
  scheduledJob({ name: 'j', timeoutSeconds: 600, ...overrides });

describe('scheduleTable', () => {
  it('shows each job’s next three runs in its own zone', () => {
    const [, row] = scheduleTable([job({ name: 'nightly', cron: '30 0 1 * ? *' })], FROM);
    expect(row).toContain('Tue 1 Dec 00:30 JST, Fri 1 Jan 00:30 JST, Mon 1 Feb 00:30 JST');
    expect(row).toMatch(/10m\s+forbid\s+spot\s+enabled/);
  });
});

describe('weekStart', () => {
  it('is the coming Monday 00:00 in the zone, or the moment itself when it is one', () => {
    const start = (iso: string, zone = 'Asia/Tokyo') => weekStart(new Date(iso), zone).toISOString();
    expect(start('2026-11-22T00:00:00Z')).toBe('2026-11-22T15:00:00.000Z'); // Sun 09:00 JST -> Mon 00:00 JST
    expect(start('2026-11-22T15:00:00Z')).toBe('2026-11-22T15:00:00.000Z'); // Mon 00:00 JST itself
    expect(start('2026-11-22T15:00:01Z')).toBe('2026-11-29T15:00:00.000Z');
    expect(start('2026-11-22T00:00:00Z', 'Europe/London')).toBe('2026-11-23T00:00:00.000Z');
    // The Monday after the change to summer time starts at 00:00 BST, 23:00 UTC.
    expect(start('2027-03-24T12:00:00Z', 'Europe/London')).toBe('2027-03-28T23:00:00.000Z');
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

  it('flags a minute where four jobs start together, naming them and the days', () => {
    const jobs = ['a', 'b', 'c', 'd'].map((name) => job({ name }));
    expect(scheduleWarnings(jobs, environment, FROM)).toContainEqual(
      'every day 03:00 JST: 4 jobs start together (a, b, c, d); spread them if they share a database or API',
    );
    expect(scheduleWarnings(jobs.slice(0, 3), environment, FROM).join()).not.toContain('start together');
    const weekly = [
      ...jobs.slice(0, 3).map((j) => ({ ...j, cron: '0 5 * * ? *' })),
      job({ name: 'w', cron: '0 5 ? * SUN *' }),
    ];
    expect(crowdedMinutes(weekly, environment, FROM)).toEqual([
      'Sun 05:00 JST: 4 jobs start together (a, b, c, w); spread them if they share a database or API',
    ]);
  });

  it('leaves out jobs that run every 15 minutes or more often, which are in every crowded minute', () => {
    const daily = ['a', 'b', 'c'].map((name) => job({ name }));
    const every = (name: string, minutes: number) =>
      job({ name, cron: `*/${minutes} * * * ? *`, timeoutSeconds: 60, concurrency: 'allow' });
    expect(crowdedMinutes([...daily, every('e5', 5), every('e15', 15)], environment, FROM)).toEqual([]);
    expect(crowdedMinutes([...daily, every('e20', 20)], environment, FROM)).toEqual([
      'every day 03:00 JST: 4 jobs start together (a, b, c, e20); spread them if they share a database or API',
    ]);
  });

  it('says the same whatever hour, or day of the week, the report is run: it judges a fixed week', () => {
    const jobs = [
      ...['a', 'b', 'c'].map((name) => job({ name })),
      job({ name: 'weekday', cron: '0 3 ? * MON-FRI *' }),
      job({ name: 'big', cron: '30 3 * * ? *', cpu: 4096, memory: 8192, expectedDurationSeconds: 3600 }),
      job({ name: 'big2', cron: '0 4 * * ? *', cpu: 4096, memory: 8192, expectedDurationSeconds: 3600 }),
    ];
    const at = (iso: string) => scheduleWarnings(jobs, environment, new Date(iso)).map(withoutDate);
    // A peak names its day and time; only the date moves from one week to the next.
    const withoutDate = (w: string) => w.replace(/ \d\d [A-Z][a-z]{2} /, ' ');
    const reference = at('2026-11-22T00:00:00Z'); // Sun 09:00 JST
    expect(reference).toContain(
      'Mon Tue Wed Thu Fri 03:00 JST: 4 jobs start together (a, b, c, weekday); spread them if they share a database or API',
    );
    expect(reference).toContainEqual(expect.stringMatching(/^peak 8 vCPU at Mon 04:00 JST \(big, big2\)/));
    for (const iso of [
      '2026-11-22T14:59:59Z', // Sun 23:59 JST
      '2026-11-23T18:00:00Z', // Tue 03:00 JST, the crowded minute itself
      '2026-11-24T03:17:00Z', // Tue 12:17 JST
      '2026-11-28T22:00:00Z', // Sun 07:00 JST
    ])
      expect(at(iso), iso).toEqual(reference);
  });

  it('flags overlapping runs whose vCPU exceeds the Fargate quota', () => {
    const big = (name: string, cron: string) =>
      job({ name, cron, cpu: 4096, memory: 8192, expectedDurationSeconds: 3600 });
    const jobs = [big('x', '0 3 * * ? *'), big('y', '30 3 * * ? *')]; // 4 + 4 vCPU overlap 03:30-04:00
    expect(peakUsage(runsInDay(jobs, FROM))).toMatchObject({ vcpu: 8, memoryGiB: 16, jobs: ['x', 'y'] });
    expect(scheduleWarnings(jobs, environment, FROM)).toContainEqual(
      expect.stringMatching(
        /^peak 8 vCPU at Mon 23 Nov 03:30 JST \(x, y\) exceeds the account's Fargate quota of 6 vCPU/,
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
      '      next: Mon 23 Nov 09:00 JST, Tue 24 Nov 09:00 JST, Wed 25 Nov 09:00 JST',
      '- removed gone: was 0 3 * * ? * Asia/Tokyo',
      '~ changed report',
      '      cron: 0 3 * * ? * -> 0 4 * * ? *',
      '      next 3 runs:',
      '        before                    after',
      '        Mon 23 Nov 03:00 JST  ->  Mon 23 Nov 04:00 JST',
      '        Tue 24 Nov 03:00 JST  ->  Tue 24 Nov 04:00 JST',
      '        Wed 25 Nov 03:00 JST  ->  Wed 25 Nov 04:00 JST',
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
    expect(lines).toContain('        Mon 23 Nov 03:00 JST  ->  (disabled)');
    const moved = diffSchedules([job({})], [job({ timezone: 'Europe/London' })], FROM);
    expect(moved).toContain('        Mon 23 Nov 03:00 JST  ->  Sun 22 Nov 03:00 GMT');
  });

  it('with prices, says what each change adds to the monthly bill, and the total before and after', () => {
    const source = { url: 'https://example.com', checked: '2026-11-24' };
    const prices = {
      fargateVcpuHour: { ...source, usd: 0.04 },
      fargateGbHour: { ...source, usd: 0.004 },
      spotVcpuHour: { ...source, usd: 0.012 },
      spotGbHour: { ...source, usd: 0.0012 },
      stepFunctionsTransition: { ...source, usd: 0.000025 },
      lambdaRequest: { ...source, usd: 0.0000002 },
    };
    // A run: 10 min (the timeout: no expectedDuration) at 0.25 vCPU / 0.5 GB on demand
    // = 0.25/6 x 0.04 + 0.5/6 x 0.004 = $0.002, + 9 transitions $0.000225, + 2 invocations
    // $0.0000004 = $0.0022254. Daily: x 365/12 = $0.0677; hourly: x 730 = $1.6245.
    const report = (cron: string) => job({ name: 'report', cron, capacity: 'on-demand' });
    const lines = diffSchedules([report('0 3 * * ? *')], [report('0 * * * ? *')], FROM, {
      prices,
      year: 2026,
    });
    expect(lines[0]).toBe('~ changed report  +$1.56/month');
    expect(lines.at(-1)).toBe(
      "monthly cost: $0.07 -> $1.62 (+$1.56/month, runs only: see the report's cost notes)",
    );
    const removed = diffSchedules([report('0 * * * ? *'), job({ name: 'x' })], [job({ name: 'x' })], FROM, {
      prices,
      year: 2026,
    });
    expect(removed[0]).toBe('- removed report: was 0 * * * ? * Asia/Tokyo  -$1.62/month');
    // A change that costs nothing (an owner) gets no figure.
    const owner = diffSchedules([job({})], [job({ owner: 'data' })], FROM, { prices, year: 2026 });
    expect(owner[0]).toBe('~ changed j');
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
    const head = configAt('HEAD', 'sandbox', FIXTURE_BASE).schedules;
    expect(head.map((j) => j.name)).toContain('nightly-sales-report');
    expect(diffSchedules(head, configAt('HEAD', 'sandbox', FIXTURE_BASE).schedules, FROM)).toEqual([
      'no schedule changes',
    ]);
  });

  it('refuses an unknown ref, a ref without the file, and an option posing as a ref, in one line', () => {
    const message = (ref: string) => {
      try {
        configAt(ref, 'sandbox');
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
    expect(
      configFromSources({ schedules: source('0 3 * * ? *') }, 'main', 'sandbox').schedules.map((j) => j.cron),
    ).toEqual(['0 3 * * ? *']);
    expect(() => configFromSources({ schedules: source('0 3 * * *') }, 'main', 'sandbox')).toThrow(
      /^--base main: its config\/schedules\.ts does not validate for sandbox: old-job\.cron: "0 3 \* \* \*" has 5 fields[^\n]*$/,
    );
    expect(() => configFromSources({ schedules: 'export const schedules = [' }, 'main', 'sandbox')).toThrow(
      /^--base main: its config\/schedules\.ts does not load: [^\n]+$/,
    );
    expect(() => configFromSources({ schedules: 'export const jobs = [];' }, 'main', 'sandbox')).toThrow(
      '--base main: its config/schedules.ts exports no "schedules" list',
    );
    // The base's workers and profiles are read too, and each file is named when it fails.
    expect(() =>
      configFromSources(
        { schedules: source('0 3 * * ? *'), workers: "export const workers = [{ name: 'relay' }];" },
        'main',
        'sandbox',
      ),
    ).toThrow(/^--base main: its config\/workers\.ts does not validate for sandbox: relay\.description: /);
    expect(
      configFromSources(
        { schedules: source('0 3 * * ? *'), workers: 'export const workers = [];' },
        'main',
        'sandbox',
      ).workers,
    ).toEqual([]);
  });
});
