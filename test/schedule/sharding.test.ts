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
