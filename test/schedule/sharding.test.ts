import { describe, expect, it } from 'vitest';
import { shardJobs } from '../../lib/schedule/sharding';

const jobs = (n: number, prefix = 'job') => Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}` }));

describe('shardJobs', () => {
  it('keeps a small fleet in one stack', () => {
    expect(shardJobs(jobs(30), 150)).toHaveLength(1);
  });

  it('splits 1,000 jobs into power-of-two stacks none over the limit', () => {
    const shards = shardJobs(jobs(1000), 150);
    expect([8, 16]).toContain(shards.length);
    expect(Math.max(...shards.map((s) => s.length))).toBeLessThanOrEqual(150);
    expect(shards.flat()).toHaveLength(1000);
  });

  it('never moves an existing job when one is added', () => {
    const before = shardJobs(jobs(200), 150);
    const after = shardJobs([...jobs(200), { name: 'new-job' }], 150);
    expect(after).toHaveLength(before.length);
    before.forEach((shard, i) => expect(after[i]!.filter((j) => j.name !== 'new-job')).toEqual(shard));
  });

  it('when stacks double, a job either stays or moves from stack i to i + K', () => {
    const small = shardJobs(jobs(140), 150);
    const large = shardJobs(jobs(400), 150);
    const k = small.length;
    expect(large.length % k).toBe(0);
    small.forEach((shard, i) => {
      for (const job of shard) {
        const to = large.findIndex((s) => s.some((j) => j.name === job.name));
        expect(to % k).toBe(i);
      }
    });
  });
});

describe('shardJobs limits', () => {
  it('fills a stack up to the limit exactly before splitting', () => {
    expect(shardJobs(jobs(150), 150)).toHaveLength(1);
    expect(shardJobs(jobs(151), 150).length).toBeGreaterThan(1);
  });

  it('splits until every stack fits, not just one', () => {
    const shards = shardJobs(jobs(64, 'x'), 3);
    expect(shards.every((s) => s.length <= 3)).toBe(true);
    expect(shards.flat()).toHaveLength(64);
  });

  it('puts one job per stack when asked to', () => {
    const shards = shardJobs(jobs(2), 1);
    expect(shards.every((s) => s.length <= 1)).toBe(true);
    expect(shards.flat()).toHaveLength(2);
  });

  it('keeps doubling while there are no more stacks than jobs', () => {
    // job-0 and job-10 share a stack of two but not of four.
    const shards = shardJobs([{ name: 'job-0' }, { name: 'job-10' }], 1);
    expect(shards).toHaveLength(4);
    expect(
      shards
        .flat()
        .map((j) => j.name)
        .sort(),
    ).toEqual(['job-0', 'job-10']);
  });

  it('rejects a limit below 1, and names a fleet it cannot fit', () => {
    expect(() => shardJobs(jobs(3), 0)).toThrow('maxJobsPerStack must be at least 1');
    // Two jobs with one name always share a stack: no number of stacks fits them one per stack.
    expect(() => shardJobs([{ name: 'same' }, { name: 'same' }], 1)).toThrow(
      'cannot fit 2 jobs in stacks of 1',
    );
    expect(shardJobs([], 1)).toEqual([[]]);
  });
});
