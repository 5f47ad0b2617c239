import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { problemsOf } from '../support/config-problems';
import { jobInput } from '../support/fixtures';
import { FIXTURE_CONFIG } from '../fixtures/config';

const job = jobInput;

function loadWith(schedules: unknown[], env = 'sandbox') {
  return loadConfig(env, { ...FIXTURE_CONFIG, schedules });
}

const problemsOfJobs = (schedules: unknown[], env = 'sandbox') => problemsOf(() => loadWith(schedules, env));

describe('config/schedules.ts', () => {
  it('accepts the shipped jobs in every environment', () => {
    for (const env of ['sandbox', 'staging', 'production']) {
      expect(loadConfig(env, FIXTURE_CONFIG).schedules.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('fills defaults: Tokyo time, batch-job image, 0.25 vCPU, forbid, no retries, Spot', () => {
    const [parsed] = loadWith([job]).schedules;
    expect(parsed).toMatchObject({
      timezone: 'Asia/Tokyo',
      image: { directory: 'batch-job' },
      cpu: 256,
      memory: 512,
      timeoutSeconds: 1800,
      concurrency: 'forbid',
      retries: 0,
      capacity: 'spot',
      enabled: true,
    });
  });

  it('applies an environment override without copying the job', () => {
    const overridden = {
      ...job,
      overrides: { staging: { enabled: false, disabledReason: 'no partner sandbox' } },
    };
    expect(loadWith([overridden], 'staging').schedules[0]).toMatchObject({
      enabled: false,
      disabledReason: 'no partner sandbox',
    });
    expect(loadWith([overridden], 'production').schedules[0]).toMatchObject({ enabled: true });
  });

  it.each([
    [
      'day-of-month and day-of-week both set',
      { cron: '0 3 1 * MON *' },
      /nightly-report\.cron: day-of-month "1" and day-of-week "MON" are both set; AWS needs "\?"/,
    ],
    [
      'hour 24',
      { cron: '0 24 * * ? *' },
      /nightly-report\.cron: hours 24 is out of range 0-23 \(midnight is 0\)/,
    ],
    [
      'a five-field crontab line',
      { cron: '0 3 * * *' },
      /nightly-report\.cron: .*has 5 fields.*e\.g\. "0 3 \* \* \? \*"/,
    ],
    ['day-of-week 0', { cron: '0 3 ? * 0 *' }, /day-of-week 0 is out of range 1-7 \(AWS counts 1 = SUN/],
    [
      'a time-zone abbreviation',
      { timezone: 'JST' },
      /nightly-report\.timezone: is not a valid time zone: use an IANA name/,
    ],
    [
      'an unknown time zone',
      { timezone: 'Asia/Osaka' },
      /nightly-report\.timezone: is not a valid time zone/,
    ],
    [
      'a name ECS and Scheduler reject',
      { name: 'Nightly_Report' },
      /Nightly_Report\.name: "Nightly_Report" must be lowercase letters, digits and "-"/,
    ],
    ['a name too long for a schedule name', { name: 'a'.repeat(41) }, /\.name: is longer than 40 characters/],
    [
      'a Fargate size that does not exist',
      { cpu: 256, memory: 4096 },
      /nightly-report\.memory: memory 4096 MiB does not fit cpu 256 on Fargate: use 512-2048 MiB/,
    ],
    ['a cpu Fargate does not offer', { cpu: 300 }, /nightly-report\.cpu: cpu 300 is not a Fargate size/],
    ['a timeout of 0', { timeout: '0m' }, /nightly-report\.timeout: "0m" is not a duration/],
    [
      'a timeout without unit',
      { timeout: 30 },
      /^nightly-report\.timeout: must be a duration with its unit, e.g. "30s" or "30m"$/,
    ],
    ['a timeout over a day', { timeout: '25h' }, /nightly-report\.timeout: is longer than 24h/],
    [
      'an empty command',
      { command: [] },
      /nightly-report\.command: is empty: give the program and its arguments/,
    ],
    [
      'a disabled job without a reason',
      { enabled: false },
      /nightly-report\.disabledReason: is required when enabled is false/,
    ],
    [
      'a reason on an enabled job',
      { disabledReason: 'x' },
      /nightly-report\.disabledReason: is set but the job is enabled/,
    ],
    [
      'an unknown concurrency policy',
      { concurrency: 'skip' },
      /nightly-report\.concurrency: must be "forbid"/,
    ],
    ['too many retries', { retries: 9 }, /nightly-report\.retries: is more than 5/],
    ['an unknown capacity', { capacity: 'spot-only' }, /nightly-report\.capacity: must be "spot"/],
    [
      'a secret as a plain environment variable',
      { environment: { API_TOKEN: 'abc' } },
      /nightly-report\.environment\.API_TOKEN: looks like a secret: move it to "secrets"/,
    ],
    [
      'a secret given as a value',
      { secrets: { API_TOKEN: 'abc' } },
      /nightly-report\.secrets\.API_TOKEN: must be a reference/,
    ],
    [
      'a variable both plain and secret',
      { environment: { URL: 'x' }, secrets: { URL: { ssmParameter: '/a/b' } } },
      /nightly-report\.secrets\.URL: is also in environment/,
    ],
    [
      'an image folder that does not exist',
      { image: { directory: 'no-such-image' } },
      /nightly-report\.image\.directory: containers\/no-such-image has no Dockerfile/,
    ],
    [
      'an expected duration over the timeout',
      { expectedDuration: '2h' },
      /nightly-report\.expectedDuration: is longer than timeout/,
    ],
    [
      'a misspelt field',
      { retry: 2 },
      /^nightly-report\.retry: is not a known field: did you mean "retries"\?$/,
    ],
    ['a missing owner', { owner: undefined }, /nightly-report\.owner: is required/],
    [
      'an override for an unknown environment',
      { overrides: { prod: { enabled: false } } },
      /nightly-report\.overrides\.prod: no such environment; use one of sandbox, staging, production/,
    ],
  ])('rejects %s with the job, the field and the fix', (_, change, message) => {
    const problems = problemsOfJobs([{ ...job, ...change }]);
    expect(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('rejects duplicate names, naming both entries', () => {
    expect(problemsOfJobs([job, { ...job }])).toEqual([
      'nightly-report.name: is used by jobs[0] and jobs[1]: names must be unique',
    ]);
  });

  it('reports problems of several jobs at once', () => {
    const problems = problemsOfJobs([
      { ...job, cron: '0 24 * * ? *' },
      { ...job, name: 'other', timeout: '0s' },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^nightly-report\.cron/);
    expect(problems[1]).toMatch(/^other\.timeout/);
  });
});
