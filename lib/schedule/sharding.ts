import { createHash } from 'node:crypto';

/**
 * Spreads jobs over job stacks so no template nears CloudFormation's 500-resource and 1 MB
 * limits. A job's stack is `hash(name) mod K`, with K the smallest power of two that keeps
 * every stack at or under `maxJobsPerStack`. Adding a job therefore never moves another one;
 * only when K doubles does about half of the jobs move, each from stack i to stack i + K,
 * which is why names of moved resources carry the stack number (no create-before-delete
 * name clash between stacks). A duplicate delivery during such a move is harmless: the
 * runner's per-slot claim runs a scheduled time once.
 */
export function shardJobs<T extends { readonly name: string }>(
  jobs: readonly T[],
  maxJobsPerStack: number,
): T[][] {
  if (maxJobsPerStack < 1) throw new Error('maxJobsPerStack must be at least 1');
  for (let shards = 1; ; shards *= 2) {
    const buckets: T[][] = Array.from({ length: shards }, () => []);
    for (const job of jobs) buckets[bucketOf(job.name, shards)]!.push(job);
    if (buckets.every((b) => b.length <= maxJobsPerStack)) return buckets;
    if (shards > jobs.length)
      throw new Error(`cannot fit ${jobs.length} jobs in stacks of ${maxJobsPerStack}`);
  }
}

function bucketOf(name: string, shards: number): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) % shards;
}
