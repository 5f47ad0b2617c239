import type { App } from 'aws-cdk-lib';
import { readBucket, readTable, writeBucket } from '../lib/config/access-grants';
import type { AccessProfileInput } from '../lib/config/access-schema';
import type { ScheduledJobInput } from '../lib/config/schedule-schema';

/** The context key that sets how many jobs the bench apps generate: `-c bench:jobs=300`. */
export const JOBS_CONTEXT = 'bench:jobs';
/** `-c bench:nag=true`: the peer checks its stack with cdk-nag AwsSolutions. */
export const NAG_CONTEXT = 'bench:nag';

const CRONS = [
  '*/5 * * * ? *',
  '0 * * * ? *',
  '0 3 * * ? *',
  '0 9 ? * MON-FRI *',
  '30 0 1 * ? *',
  '15 4 ? * SUN *',
];

/** Access profiles the generated jobs name: as many as a team of teams would keep. */
export const BENCH_PROFILES = 10;

/** The profiles of the bench app: readers and writers of a bucket prefix and a table each. */
export function generatedProfiles(): AccessProfileInput[] {
  return Array.from({ length: BENCH_PROFILES }, (_, i) => ({
    name: `bench-profile-${i}`,
    description: `Generated profile ${i}`,
    owner: 'bench',
    grants:
      i % 2 === 0
        ? [readBucket({ bucket: `bench-data-${i}`, prefix: 'in/' }), readTable({ table: `bench-table-${i}` })]
        : [writeBucket({ bucket: `bench-data-${i}`, prefix: 'out/' })],
  }));
}

/**
 * N realistic, valid jobs: a mix of schedules, sizes, policies and secrets; two in three name
 * one of the generated access profiles, as jobs that use AWS would.
 */
export function generatedJobs(n: number): ScheduledJobInput[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `bench-job-${String(i).padStart(4, '0')}`,
    description: `Generated job ${i}`,
    owner: 'bench',
    cron: CRONS[i % CRONS.length]!,
    command: ['node', 'main.js', 'check-endpoints', `https://svc-${i}.example.com/healthz`],
    environment: { TARGET: `svc-${i}` },
    ...(i % 4 === 0
      ? { secrets: { API_KEY_REF: { secretsManager: `bench/job-${i}`, field: 'apiKey' } } }
      : {}),
    ...(i % 3 === 0 ? { cpu: 1024, memory: 2048 } : {}),
    timeout: '15m',
    concurrency: (['forbid', 'replace', 'allow'] as const)[i % 3],
    retries: i % 3,
    ...(i % 10 === 0 ? { capacity: 'on-demand' as const } : {}),
    ...(i % 3 === 2 ? {} : { access: `bench-profile-${i % BENCH_PROFILES}` }),
  }));
}

/** The job count given by `-c bench:jobs=<n>` (the CLI passes context values as strings). */
export function benchJobCount(app: App): number {
  const value: unknown = app.node.tryGetContext(JOBS_CONTEXT);
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) {
    throw new Error(
      `set the number of jobs with -c ${JOBS_CONTEXT}=<n> (a whole number), got ${String(value)}`,
    );
  }
  return n;
}
