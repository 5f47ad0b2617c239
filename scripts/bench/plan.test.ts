import { describe, expect, it } from 'vitest';
import { parseOptions, planRuns, type BenchOptions } from './plan';

describe('parseOptions', () => {
  it('defaults to 30, 300 and 1,000 jobs, 5 rounds against the peer at 30, 3 runs elsewhere', () => {
    expect(parseOptions([])).toEqual({
      jobs: [30, 300, 1000],
      compare: 30,
      rounds: 5,
      runs: 3,
      out: '.bench/results.jsonl',
      json: false,
    });
  });

  it('takes counts, rounds, runs, the output file and --json', () => {
    expect(
      parseOptions([
        '--jobs',
        '10, 50',
        '--compare',
        '10',
        '--rounds',
        '7',
        '--runs',
        '1',
        '--out',
        'r.jsonl',
        '--json',
      ]),
    ).toEqual({ jobs: [10, 50], compare: 10, rounds: 7, runs: 1, out: 'r.jsonl', json: true });
  });

  it('runs no peer with --compare 0', () => {
    expect(parseOptions(['--jobs', '300', '--compare', '0'])).toMatchObject({ compare: 0 });
  });

  it.each([['--help'], ['-h']])('%s asks for the help, whatever else is given', (flag) => {
    expect(parseOptions([flag])).toBe('help');
    expect(parseOptions(['--jobs', '30', flag])).toBe('help');
  });

  it('names the flag and the fix for a bad value', () => {
    expect(() => parseOptions(['--jobs', '30,abc'])).toThrow(
      '--jobs takes a whole number of at least 1, got "abc"',
    );
    expect(() => parseOptions(['--rounds', '0'])).toThrow(
      '--rounds takes a whole number of at least 1, got "0"',
    );
    expect(() => parseOptions(['--jobs', '300'])).toThrow(
      '--compare 30 is not one of --jobs 300: add it, or pass --compare 0',
    );
    expect(() => parseOptions(['--repeat', '3'])).toThrow("Unknown option '--repeat'");
  });
});

describe('planRuns', () => {
  const options: BenchOptions = { jobs: [30, 1000], compare: 30, rounds: 3, runs: 2, out: 'x', json: false };
  const label = (r: { app: string; jobs: number; baseline: boolean }) =>
    `${r.baseline ? 'baseline ' : ''}${r.app}@${r.jobs}`;

  it('starts with the 0-job baselines, then interleaves rounds, rotating the first app', () => {
    expect(planRuns(options).map(label)).toEqual([
      'baseline ours@0',
      'baseline peer@0',
      'ours@30',
      'peer@30',
      'peer+nag@30',
      'ours@1000',
      'peer@30',
      'peer+nag@30',
      'ours@30',
      'ours@1000',
      'peer+nag@30',
      'ours@30',
      'peer@30',
    ]);
  });

  it('numbers the rounds so that runs of one round can be paired', () => {
    const round1 = planRuns(options).filter((r) => r.round === 1 && !r.baseline);
    expect(round1.map(label)).toEqual(['peer@30', 'peer+nag@30', 'ours@30', 'ours@1000']);
  });

  it('runs only ours without a comparison', () => {
    const plan = planRuns({ ...options, jobs: [300], compare: 0, runs: 2 });
    expect(plan.map(label)).toEqual(['baseline ours@0', 'ours@300', 'ours@300']);
  });
});
