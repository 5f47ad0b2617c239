import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { parseSchedules } from '../../lib/config/schedule-schema';
import { loadConfig } from '../../lib/config';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import {
  BENCH_PROFILES,
  benchJobCount,
  generatedJobs,
  generatedProfiles,
  JOBS_CONTEXT,
} from '../../bench/generated-jobs';

describe('generatedJobs', () => {
  it('passes config validation at the largest count the bench runs', () => {
    const jobs = parseSchedules(generatedJobs(1000), {
      environment: 'sandbox',
      knownEnvironments: ['sandbox'],
      defaultTimezone: 'Asia/Tokyo',
      defaultNotify: '#sre-batch',
    });
    expect(jobs).toHaveLength(1000);
    expect(new Set(jobs.map((j) => j.name)).size).toBe(1000);
  });

  it('names the generated access profiles, which validate with them', () => {
    const config = loadConfig('sandbox', {
      ...FIXTURE_CONFIG,
      schedules: generatedJobs(300),
      workers: [], // a fixture worker names a fixture profile
      access: generatedProfiles(),
    });
    expect(config.access).toHaveLength(BENCH_PROFILES);
    expect(config.schedules.filter((j) => j.access !== undefined)).toHaveLength(200);
    expect(new Set(config.schedules.map((j) => j.access))).toEqual(
      new Set([undefined, ...config.access.map((p) => p.name)]),
    );
  });

  it('mixes sizes, secrets and capacities as real jobs do', () => {
    const jobs = generatedJobs(30);
    expect(jobs.filter((j) => j.cpu === 1024)).toHaveLength(10);
    expect(jobs.filter((j) => j.secrets)).toHaveLength(8);
    expect(jobs.filter((j) => j.capacity === 'on-demand')).toHaveLength(3);
  });
});

describe('benchJobCount', () => {
  const count = (value?: string) =>
    benchJobCount(new App({ context: value === undefined ? {} : { [JOBS_CONTEXT]: value } }));

  it('reads the count the CLI passes as a string', () => {
    expect(count('300')).toBe(300);
    expect(count('0')).toBe(0);
  });

  it('says how to set it when it is missing or not a whole number', () => {
    expect(() => count()).toThrow(
      'set the number of jobs with -c bench:jobs=<n> (a whole number), got undefined',
    );
    expect(() => count('2.5')).toThrow('got 2.5');
    expect(() => count('-1')).toThrow('got -1');
  });
});
