import { describe, expect, it } from 'vitest';
import {
  ATTEMPT_OVERHEAD_SECONDS,
  InvalidRunInput,
  jobRunnerInput,
  leaseSeconds,
  parseJobRunnerInput,
  SCHEDULED_TIME,
} from '../../lib/schedule/runner-input';
import { scheduledJob } from '../support/fixtures';

const input = jobRunnerInput(
  'sandbox',
  scheduledJob({ timeoutSeconds: 1800, retries: 2, concurrency: 'replace', capacity: 'on-demand' }),
  'schedule',
  '2026-11-23T03:00:00Z',
);

const problemOf = (start: unknown): string => {
  try {
    parseJobRunnerInput(start);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRunInput);
    expect((e as Error).name).toBe('InvalidRunInput');
    return (e as Error).message;
  }
  throw new Error('expected InvalidRunInput, but the start was accepted');
};

describe('jobRunnerInput', () => {
  it('carries what the runner needs from the job, with the names the stacks use', () => {
    const job = scheduledJob({
      timeoutSeconds: 1800,
      retries: 2,
      concurrency: 'replace',
      capacity: 'on-demand',
    });
    expect(jobRunnerInput('sandbox', job, 'schedule', '2026-11-23T03:00:00Z')).toEqual({
      job: {
        name: 'nightly-report',
        kind: 'container',
        taskFamily: 'sandbox-job-nightly-report',
        container: 'job',
        timeoutSeconds: 1800,
        leaseSeconds: 4 * (1800 + ATTEMPT_OVERHEAD_SECONDS),
        concurrency: 'replace',
        retries: 2,
        capacity: 'on-demand',
      },
      trigger: 'schedule',
      slot: '2026-11-23T03:00:00Z',
    });
  });

  it('a scheduled start leaves the slot for Scheduler to fill in', () => {
    expect(jobRunnerInput('sandbox', scheduledJob(), 'schedule').slot).toBe('<aws.scheduler.scheduled-time>');
    expect(SCHEDULED_TIME).toBe('<aws.scheduler.scheduled-time>');
  });
});

describe('leaseSeconds', () => {
  it('covers the first attempt, every retry and one on-demand rerun, each with its overhead', () => {
    expect(ATTEMPT_OVERHEAD_SECONDS).toBe(600);
    expect(leaseSeconds(60, 0)).toBe(2 * 660);
    expect(leaseSeconds(3600, 5)).toBe(7 * 4200);
  });
});

describe('parseJobRunnerInput', () => {
  it('accepts what jobRunnerInput builds, scheduled or manual', () => {
    expect(parseJobRunnerInput(input)).toEqual(input);
    const manual = { ...input, trigger: 'manual', slot: 'manual:3f2a-run' };
    expect(parseJobRunnerInput(manual)).toEqual(manual);
    const fractional = { ...input, slot: '2026-11-23T03:00:00.123Z' };
    expect(parseJobRunnerInput(fractional)).toEqual(fractional);
  });

  it.each([
    ['forbid', 'spot'],
    ['allow', 'on-demand'],
    ['replace', 'spot'],
  ] as const)('accepts concurrency %s and capacity %s', (concurrency, capacity) => {
    const start = jobRunnerInput('sandbox', scheduledJob({ concurrency, capacity }), 'manual', 'manual:1');
    expect(parseJobRunnerInput(start).job).toMatchObject({ concurrency, capacity });
  });

  it('accepts a lease longer than needed, and exactly as long', () => {
    expect(() => parseJobRunnerInput(input)).not.toThrow();
    expect(() =>
      parseJobRunnerInput({ ...input, job: { ...input.job, leaseSeconds: 99_999 } }),
    ).not.toThrow();
  });

  it('rejects a lease shorter than the longest run, saying how long that is', () => {
    expect(problemOf({ ...input, job: { ...input.job, leaseSeconds: 9599 } })).toBe(
      'invalid job runner input: job.leaseSeconds: 9599 is shorter than the longest run (9600 s)',
    );
  });

  it.each([
    ['a manual run with a scheduled slot', { trigger: 'manual' }],
    ['a scheduled run with a manual slot', { slot: 'manual:abc' }],
  ])('rejects %s', (_, change) => {
    const start = { ...input, ...change };
    expect(problemOf(start)).toBe(
      `invalid job runner input: slot: "${start.slot}" does not fit trigger "${start.trigger}" (manual runs use manual:<id>)`,
    );
  });

  it('reports both cross-field problems at once', () => {
    const message = problemOf({ ...input, trigger: 'manual', job: { ...input.job, leaseSeconds: 1 } });
    expect(message).toMatch(/^invalid job runner input: job\.leaseSeconds: .*; slot: /);
  });

  it.each([
    ['a job name with capitals', { job: { ...input.job, name: 'Nightly' } }, 'job.name'],
    ['a job name ending in "-"', { job: { ...input.job, name: 'nightly-' } }, 'job.name'],
    ['a job name with a prefix before the letters', { job: { ...input.job, name: '-nightly' } }, 'job.name'],
    ['a job name over 64 characters', { job: { ...input.job, name: 'a'.repeat(65) } }, 'job.name'],
    ['an unknown kind', { job: { ...input.job, kind: 'lambda' } }, 'job.kind'],
    ['an empty container', { job: { ...input.job, container: '' } }, 'job.container'],
    ['a fractional timeout', { job: { ...input.job, timeoutSeconds: 1.5 } }, 'job.timeoutSeconds'],
    ['a zero timeout', { job: { ...input.job, timeoutSeconds: 0 } }, 'job.timeoutSeconds'],
    ['negative retries', { job: { ...input.job, retries: -1 } }, 'job.retries'],
    ['six retries', { job: { ...input.job, retries: 6 } }, 'job.retries'],
    ['an unknown concurrency', { job: { ...input.job, concurrency: 'skip' } }, 'job.concurrency'],
    ['an unknown capacity', { job: { ...input.job, capacity: 'fargate' } }, 'job.capacity'],
    ['an extra job field', { job: { ...input.job, cpu: 256 } }, 'job'],
    ['an unknown trigger', { trigger: 'api' }, 'trigger'],
    ['a slot that is no time', { slot: 'tomorrow' }, 'slot'],
    ['a slot with text before the time', { slot: 'x2026-11-23T03:00:00Z' }, 'slot'],
    ['a slot with text after the time', { slot: '2026-11-23T03:00:00Zx' }, 'slot'],
    ['a slot with text around the time', { slot: 'x2026-11-23T03:00:00Zx' }, 'slot'],
    ['a manual id with a space', { trigger: 'manual', slot: 'manual:a b' }, 'slot'],
    ['an extra field', { extra: 1 }, 'input'],
  ])('rejects %s, naming the field', (_, change, field) => {
    expect(problemOf({ ...input, ...change })).toMatch(new RegExp(`^invalid job runner input: ${field}: `));
  });

  it('accepts the limits: 5 retries, a 64-character name, a 64-character manual id', () => {
    const job = { ...input.job, retries: 5, name: 'a'.repeat(64), leaseSeconds: leaseSeconds(1800, 5) };
    expect(() => parseJobRunnerInput({ ...input, job })).not.toThrow();
    expect(() =>
      parseJobRunnerInput({
        ...input,
        job: { ...input.job, retries: 0 },
        trigger: 'manual',
        slot: `manual:${'a'.repeat(64)}`,
      }),
    ).not.toThrow();
  });
});
