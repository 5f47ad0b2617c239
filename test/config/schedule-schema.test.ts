import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config';
import { parseSchedules } from '../../lib/config/schedule-schema';
import { problemsOf } from '../support/config-problems';
import { jobInput } from '../support/fixtures';

const job = jobInput;

const context = {
  environment: 'staging',
  knownEnvironments: ['sandbox', 'staging', 'production'],
  defaultTimezone: 'Asia/Tokyo',
  defaultNotify: '#sre-batch',
};

const parse = (jobs: unknown[], environment = 'staging') => parseSchedules(jobs, { ...context, environment });
const parseOne = (change: Record<string, unknown>) => parse([{ ...job, ...change }])[0]!;
const problems = (change: Record<string, unknown>) => problemsOf(() => parse([{ ...job, ...change }]));

describe('parseSchedules', () => {
  it('returns the job with seconds, the default zone and every default', () => {
    expect(parse([job])).toEqual([
      {
        name: 'nightly-report',
        description: 'Builds the nightly report',
        owner: 'sre',
        cron: '0 3 * * ? *',
        timezone: 'Asia/Tokyo',
        image: { directory: 'batch-job' },
        command: ['node', 'main.js', 'sales-report'],
        environment: {},
        secrets: {},
        cpu: 256,
        memory: 512,
        timeoutSeconds: 1800,
        expectedDurationSeconds: undefined,
        missedRunGraceSeconds: 600,
        startingDeadlineSeconds: 3600,
        concurrency: 'forbid',
        retries: 0,
        capacity: 'spot',
        enabled: true,
        notify: '#sre-batch',
        notifySkipped: false,
      },
    ]);
  });

  it("posts a job's failures to its own channel, else to the environment's", () => {
    const jobs = parseSchedules([job, { ...job, name: 'own-channel', notify: '#data-batch' }], {
      ...context,
      defaultNotify: '#env-default',
    });
    expect(jobs.map((j) => j.notify)).toEqual(['#env-default', '#data-batch']);
  });

  it('keeps what the job sets over the defaults', () => {
    expect(
      parseOne({
        timezone: 'Europe/London',
        notify: '#data-batch',
        notifySkipped: true,
        expectedDuration: '10m',
        concurrency: 'allow',
        retries: 5,
        capacity: 'on-demand',
        cpu: 1024,
        memory: 2048,
      }),
    ).toMatchObject({
      timezone: 'Europe/London',
      notify: '#data-batch',
      notifySkipped: true,
      expectedDurationSeconds: 600,
      concurrency: 'allow',
      retries: 5,
      capacity: 'on-demand',
      cpu: 1024,
      memory: 2048,
    });
  });

  it('deploys the cron as it was checked: stray spaces, tabs and a leading space removed', () => {
    expect(parseOne({ cron: ' 0 3  * *\t? * ' }).cron).toBe('0 3 * * ? *');
  });

  it('accepts explicit forbid and spot, the defaults written out', () => {
    expect(parseOne({ concurrency: 'forbid', capacity: 'spot' })).toMatchObject({
      concurrency: 'forbid',
      capacity: 'spot',
    });
    expect(parseOne({ concurrency: 'replace' }).concurrency).toBe('replace');
  });

  it('accepts the boundaries: a timeout of exactly 24h, an expected duration equal to the timeout', () => {
    expect(parseOne({ timeout: '24h' }).timeoutSeconds).toBe(86_400);
    expect(parseOne({ timeout: '1440m' }).timeoutSeconds).toBe(86_400);
    expect(parseOne({ timeout: '86400s' }).timeoutSeconds).toBe(86_400);
    expect(parseOne({ timeout: '2h', expectedDuration: '120m' })).toMatchObject({
      timeoutSeconds: 7200,
      expectedDurationSeconds: 7200,
    });
  });

  it('rejects one second more than 24h, and an expected duration one second over the timeout', () => {
    expect(problems({ timeout: '86401s' })).toEqual([
      'nightly-report.timeout: is longer than 24h: split the job, or run it as a worker that takes work from a queue',
    ]);
    expect(problems({ timeout: '90s', expectedDuration: '91s' })).toEqual([
      'nightly-report.expectedDuration: is longer than timeout: every run would time out; raise timeout or lower expectedDuration',
    ]);
  });

  it('takes a missed-run grace from 1m to 12h, 10 minutes when unset', () => {
    expect(parseOne({}).missedRunGraceSeconds).toBe(600);
    expect(parseOne({ missedRunGrace: '60s' }).missedRunGraceSeconds).toBe(60);
    expect(parseOne({ missedRunGrace: '12h' }).missedRunGraceSeconds).toBe(43_200);
    expect(problems({ missedRunGrace: '59s' })).toEqual([
      'nightly-report.missedRunGrace: is shorter than 1m: a run starting a few seconds late would be reported missed; use "1m" or more',
    ]);
    expect(problems({ missedRunGrace: '43201s' })).toEqual([
      'nightly-report.missedRunGrace: is longer than 12h: a missed run would be reported too late to act on; use "12h" or less',
    ]);
    expect(problems({ missedRunGrace: 10 })).toEqual([
      'nightly-report.missedRunGrace: must be a duration with its unit, e.g. "10s" or "10m"',
    ]);
  });

  it('takes a starting deadline from 1m to 24h, EventBridge Scheduler’s bounds, 1h by default', () => {
    expect(parseOne({}).startingDeadlineSeconds).toBe(3600);
    expect(parseOne({ startingDeadline: '60s' }).startingDeadlineSeconds).toBe(60);
    expect(parseOne({ startingDeadline: '10m' }).startingDeadlineSeconds).toBe(600);
    expect(parseOne({ startingDeadline: '24h' }).startingDeadlineSeconds).toBe(86_400);
    expect(
      parse([{ ...job, overrides: { staging: { startingDeadline: '5m' } } }])[0]!.startingDeadlineSeconds,
    ).toBe(300);
  });

  it('rejects a starting deadline outside 1m-24h, or without its unit, with the bound', () => {
    expect(problems({ startingDeadline: '59s' })).toEqual([
      'nightly-report.startingDeadline: is shorter than 1m, the least EventBridge Scheduler takes as the time to keep trying a start: write "1m" or more',
    ]);
    expect(problems({ startingDeadline: '86401s' })).toEqual([
      'nightly-report.startingDeadline: is longer than 24h, the most EventBridge Scheduler keeps trying a start: write "24h" or less (a start that late is usually better skipped; the next run comes)',
    ]);
    expect(problems({ startingDeadline: 600 })).toEqual([
      'nightly-report.startingDeadline: must be a duration with its unit, e.g. "600s" or "600m"',
    ]);
  });

  it('accepts a disabled job with a reason and a review date', () => {
    expect(
      parseOne({ enabled: false, disabledReason: 'partner API down', disabledUntil: '2027-01-31' }),
    ).toMatchObject({ enabled: false, disabledReason: 'partner API down', disabledUntil: '2027-01-31' });
    expect(
      parseOne({ enabled: false, disabledReason: 'partner API down', disabledUntil: '2028-02-29' })
        .disabledUntil,
    ).toBe('2028-02-29');
    expect(
      parseOne({ enabled: false, disabledReason: 'partner API down', disabledUntil: '2027-01-31' }),
    ).toMatchObject({ enabled: false, disabledReason: 'partner API down', disabledUntil: '2027-01-31' });
  });

  it.each([
    [
      'an owner with capitals',
      { owner: 'SRE' },
      'owner: must be a team slug such as "sre" or "data-platform"',
    ],
    ['an owner with a prefix', { owner: '@sre' }, 'owner: must be a team slug'],
    ['an owner with a suffix', { owner: 'sre!' }, 'owner: must be a team slug'],
    ['a notify without #', { notify: 'sre-batch' }, 'notify: must be a Slack channel such as "#sre-batch"'],
    ['a notify with text after', { notify: '#sre batch' }, 'notify: must be a Slack channel'],
    ['a notify with capitals', { notify: '#SRE' }, 'notify: must be a Slack channel'],
    ['a notify with text before', { notify: 'x#sre' }, 'notify: must be a Slack channel'],
    ['an empty description', { description: '' }, 'description: '],
    [
      'a missing description',
      { description: undefined },
      'description: is required: one line saying what the job does',
    ],
    [
      'a missing cron',
      { cron: undefined },
      'cron: is required: six AWS cron fields, e.g. "0 3 * * ? *" for 03:00 daily',
    ],
    ['a cron AWS rejects', { cron: '0 3 * * ? * *' }, 'cron: "0 3 * * ? * *" has 7 fields'],
    [
      'a fractional retry count',
      { retries: 1.5 },
      'retries: must be a whole number of retries after an application failure',
    ],
    ['negative retries', { retries: -1 }, 'retries: cannot be negative'],
    [
      'six retries',
      { retries: 6 },
      'retries: is more than 5: a job failing that often needs fixing, not retrying',
    ],
    ['a time zone in lower case', { timezone: 'asia/tokyo' }, 'timezone: is not a valid time zone'],
    [
      'an empty disabled reason',
      { enabled: false, disabledReason: '' },
      'disabledReason: is empty: say why the job is disabled',
    ],
    [
      'a review date that is no date',
      { enabled: false, disabledReason: 'x', disabledUntil: 'next week' },
      'disabledUntil: must be a date "YYYY-MM-DD" after which the job should be reviewed',
    ],
    [
      'a review date with a time after it',
      { enabled: false, disabledReason: 'x', disabledUntil: '2027-01-31T00:00' },
      'disabledUntil: must be a date',
    ],
    [
      'a review date with text before it',
      { enabled: false, disabledReason: 'x', disabledUntil: 'by 2027-01-31' },
      'disabledUntil: must be a date',
    ],
    [
      'a review date that is not in the calendar',
      { enabled: false, disabledReason: 'x', disabledUntil: '2026-02-30' },
      'disabledUntil: 2026-02-30 is not a date in the calendar: give a real "YYYY-MM-DD"',
    ],
    [
      'a review date in month 13',
      { enabled: false, disabledReason: 'x', disabledUntil: '2026-13-01' },
      'disabledUntil: 2026-13-01 is not a date in the calendar',
    ],
    [
      'a review date in month 0',
      { enabled: false, disabledReason: 'x', disabledUntil: '2026-00-10' },
      'disabledUntil: 2026-00-10 is not a date in the calendar',
    ],
    [
      'a review date on day 32',
      { enabled: false, disabledReason: 'x', disabledUntil: '2026-01-32' },
      'disabledUntil: 2026-01-32 is not a date in the calendar',
    ],
    [
      'a review date on day 0',
      { enabled: false, disabledReason: 'x', disabledUntil: '2026-01-00' },
      'disabledUntil: 2026-01-00 is not a date in the calendar',
    ],
    [
      'a cron whose years are past',
      { cron: '0 3 * * ? 2020' },
      'cron: year "2020" is past: the job would never run again',
    ],
    ['a cron on 30 February', { cron: '0 3 30 2 ? *' }, 'cron: day-of-month "30" never occurs in month "2"'],
    [
      'a cron with crontab’s "*" for day-of-month',
      { cron: '0 9 * * MON-FRI *' },
      'cron: day-of-month "*" and day-of-week "MON-FRI" are both set; AWS needs "?" in one of them (write "0 9 ? * MON-FRI *" to run on day-of-week MON-FRI only)',
    ],
    [
      'a review date on an enabled job',
      { disabledUntil: '2027-01-31' },
      'disabledUntil: is set but the job is enabled: remove it, or set enabled: false',
    ],
    ['an enabled flag that is no boolean', { enabled: 'no' }, 'enabled: '],
    [
      'a memory that is no whole number',
      { memory: 512.5 },
      'memory: must be memory in MiB as a whole number',
    ],
    ['a cpu that is no whole number', { cpu: '256' }, 'cpu: must be Fargate cpu units as a whole number'],
  ])('rejects %s', (_, change, message) => {
    const found = problems(change);
    expect(
      found.some((p) => p.startsWith(`nightly-report.${message}`)),
      found.join('\n'),
    ).toBe(true);
  });

  it('names the disabled reason when both it and the review date are set on an enabled job', () => {
    expect(problems({ disabledReason: 'x', disabledUntil: '2027-01-31' })).toEqual([
      'nightly-report.disabledReason: is set but the job is enabled: remove it, or set enabled: false',
    ]);
  });

  it('reports a variable in both environment and secrets under secrets, once per variable', () => {
    expect(
      problems({
        environment: { URL: 'x', MODE: 'fast', OTHER: 'y' },
        secrets: {
          URL: { ssmParameter: '/a/b' },
          MODE: { secretsManager: 'm' },
          KEY_ONLY: { ssmParameter: '/k' },
        },
      }),
    ).toEqual([
      'nightly-report.secrets.URL: is also in environment: ECS rejects a variable defined twice; keep it in secrets only',
      'nightly-report.secrets.MODE: is also in environment: ECS rejects a variable defined twice; keep it in secrets only',
    ]);
  });

  it('names the fix for a variable name the shell cannot use, not "Invalid key in record"', () => {
    expect(
      problems({ environment: { 'REPORT-DAYS': '7' }, secrets: { '1DB': { ssmParameter: '/db' } } }),
    ).toEqual([
      'nightly-report.environment.REPORT-DAYS: variable names must be letters, digits and "_"',
      'nightly-report.secrets.1DB: variable names must be letters, digits and "_"',
    ]);
  });

  it('throws a ConfigError naming the file it was given', () => {
    const error = (() => {
      try {
        parseSchedules([{ ...job, retries: 9 }], context, 'config/other.ts');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe('config/other.ts');
    expect((error as ConfigError).message).toMatch(
      /^config\/other\.ts is invalid:\n {2}- nightly-report\.retries/,
    );
    expect(() => parseSchedules([{ ...job, retries: 9 }], context)).toThrow(
      /^config\/schedules\.ts is invalid:/,
    );
  });
});

describe('overrides', () => {
  it('apply to their environment only, and a default never masks what the job sets', () => {
    const overridden = { ...job, capacity: 'on-demand', overrides: { staging: { timeout: '1h' } } };
    expect(parse([overridden], 'staging')[0]).toMatchObject({ timeoutSeconds: 3600, capacity: 'on-demand' });
    expect(parse([overridden], 'production')[0]).toMatchObject({
      timeoutSeconds: 1800,
      capacity: 'on-demand',
    });
  });

  it("override the missed-run grace per environment, and an unrelated override keeps the job's", () => {
    const graced = { ...job, missedRunGrace: '30m', overrides: { staging: { missedRunGrace: '1h' } } };
    expect(parse([graced], 'staging')[0]!.missedRunGraceSeconds).toBe(3600);
    const other = { ...job, missedRunGrace: '30m', overrides: { staging: { retries: 1 } } };
    expect(parse([other], 'staging')[0]!.missedRunGraceSeconds).toBe(1800);
  });

  it('cannot rename a job', () => {
    expect(problemsOf(() => parse([{ ...job, overrides: { staging: { name: 'other' } } }]))).toEqual([
      'nightly-report.overrides.staging.name: cannot be overridden: an entry has one name in every environment, because its resources are named after it',
    ]);
  });

  it('are checked field by field, naming the environment', () => {
    expect(problemsOf(() => parse([{ ...job, overrides: { production: { retries: 9 } } }]))).toEqual([
      'nightly-report.overrides.production.retries: is more than 5: a job failing that often needs fixing, not retrying',
    ]);
  });

  it('are checked with the job: an override that breaks a cross-field rule is caught', () => {
    expect(problemsOf(() => parse([{ ...job, overrides: { staging: { enabled: false } } }]))).toEqual([
      'nightly-report.disabledReason: is required when enabled is false: say why and until when, so nobody re-enables it blindly (a commented-out crontab line had no such note)',
    ]);
  });

  it('for an unknown environment are named with the ones that exist, and the job is still checked', () => {
    expect(problemsOf(() => parse([{ ...job, retries: 9, overrides: { prod: { enabled: true } } }]))).toEqual(
      [
        'nightly-report.overrides.prod: no such environment; use one of sandbox, staging, production',
        'nightly-report.retries: is more than 5: a job failing that often needs fixing, not retrying',
      ],
    );
  });
});

describe('entries', () => {
  it('names an entry without a name by its position', () => {
    expect(problemsOf(() => parse([job, { ...job, name: undefined }]))).toEqual([
      'jobs[1].name: is required: a lowercase name such as "nightly-report"',
    ]);
    expect(problemsOf(() => parse([null]))[0]).toMatch(/^jobs\[0\]\.name: is required/);
    // Not an object: reported as a job with every required field missing, not as its characters.
    expect(problemsOf(() => parse(['nightly']))).toEqual([
      'jobs[0].name: is required: a lowercase name such as "nightly-report"',
      'jobs[0].description: is required: one line saying what the job does',
      'jobs[0].owner: is required: the team that answers for this job, e.g. "sre"',
      'jobs[0].cron: is required: six AWS cron fields, e.g. "0 3 * * ? *" for 03:00 daily',
      'jobs[0].command: is required: the program and its arguments, e.g. ["node", "dist/main.js", "report"]',
      'jobs[0].timeout: is required: a duration such as "90s", "30m" or "2h"',
    ]);
  });

  it('keeps jobs in the order they are written', () => {
    expect(
      parse([
        { ...job, name: 'b-job' },
        { ...job, name: 'a-job' },
      ]).map((j) => j.name),
    ).toEqual(['b-job', 'a-job']);
  });

  it('names both entries of a duplicate, even after an invalid one', () => {
    expect(
      problemsOf(() => parse([job, { ...job, retries: 9, name: 'x1' }, { ...job }, { ...job }])),
    ).toEqual([
      'x1.retries: is more than 5: a job failing that often needs fixing, not retrying',
      'nightly-report.name: is used by jobs[0] and jobs[2]: names must be unique',
      'nightly-report.name: is used by jobs[0] and jobs[3]: names must be unique',
    ]);
  });
});
