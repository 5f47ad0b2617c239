import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig, PlatformConfig } from '../../lib/config';
import { mockAws } from '../../test/support/aws-mock';
import { scheduledJob } from '../../test/support/fixtures';
import { lsJobs } from './ls';
import { captureOutput, testClients } from './test-support';

const sfn = mockAws(SFNClient);
const ddb = mockAws(DynamoDBDocumentClient);
const env = { name: 'sandbox', account: '111111111111', region: 'ap-northeast-1' } as EnvironmentConfig;
const NOW = new Date('2026-11-24T01:00:00Z'); // Tue 10:00 JST
const config = {
  environment: env,
  schedules: [
    scheduledJob({ name: 'nightly-report', cron: '0 3 * * ? *', timezone: 'Asia/Tokyo' }),
    scheduledJob({ name: 'weekly-export', cron: '0 9 ? * MON *', timezone: 'America/New_York' }),
    scheduledJob({ name: 'old-sync', enabled: false, disabledReason: 'replaced by CDC' }),
  ],
} as unknown as PlatformConfig;
const arn = (name: string) =>
  `arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:${name}`;
const deps = () => ({ ...testClients(), out: captureOutput(), now: () => NOW });

beforeEach(() => {
  sfn.reset();
  ddb.reset();
  sfn.on(ListExecutionsCommand).resolves({
    executions: [
      { executionArn: arn('sched-new'), name: 'sched-new' } as never,
      { executionArn: arn('sched-old'), name: 'sched-old' } as never,
    ],
  });
  sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify({ job: { name: 'weekly-export' } }) });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'RUN#nightly-report' } }).resolves({
    Items: [
      {
        pk: 'RUN#nightly-report',
        sk: 's',
        status: 'Failed',
        startedAt: '2026-11-23T18:00:02.000Z',
        endedAt: '2026-11-23T18:21:40.000Z',
      },
    ],
  });
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { pk: 'PAUSE#nightly-report', sk: 'PAUSE' } }).resolves({
    Item: {
      reason: 'vendor down',
      by: 'alice',
      until: '2026-11-24T05:00:00.000Z',
      untilEpoch: Math.floor(Date.parse('2026-11-24T05:00:00Z') / 1000),
    },
  });
});

describe('npm run job -- ls', () => {
  it('shows each job with schedule, state, last run, next run (with weekdays) and the run in progress', async () => {
    const d = deps();
    await expect(lsJobs(config, { json: false }, d)).resolves.toBe(0);
    expect(d.out.stdout).toEqual([
      'sandbox (account 111111111111, ap-northeast-1): 3 jobs, 1 running',
      'JOB             SCHEDULE                        STATE                                                     LAST RUN                                   NEXT RUN                  RUNNING',
      'nightly-report  0 3 * * ? * Asia/Tokyo          paused: until 2026-11-24 14:00 JST by alice: vendor down  Failed Tue 2026-11-24 03:00 JST (21m 38s)  Wed 2026-11-25 03:00 JST  -',
      'weekly-export   0 9 ? * MON * America/New_York  enabled                                                   -                                          Mon 2026-11-30 09:00 EST  sched-new',
      'old-sync        0 3 * * ? * Asia/Tokyo          disabled: replaced by CDC                                 -                                          -                         -',
    ]);
  });

  it('--json gives the same facts to scripts', async () => {
    const d = deps();
    await lsJobs(config, { json: true }, d);
    const lines = JSON.parse(d.out.stdout.join('\n')) as unknown[];
    expect(lines).toEqual([
      {
        name: 'nightly-report',
        schedule: '0 3 * * ? *',
        timezone: 'Asia/Tokyo',
        state: 'paused',
        stateReason: 'until 2026-11-24 14:00 JST by alice: vendor down',
        lastRun: { status: 'Failed', startedAt: '2026-11-23T18:00:02.000Z', durationSeconds: 1298 },
        nextRun: '2026-11-24T18:00:00.000Z',
      },
      {
        name: 'weekly-export',
        schedule: '0 9 ? * MON *',
        timezone: 'America/New_York',
        state: 'enabled',
        nextRun: '2026-11-30T14:00:00.000Z',
        running: 'sched-new',
      },
      {
        name: 'old-sync',
        schedule: '0 3 * * ? *',
        timezone: 'Asia/Tokyo',
        state: 'disabled',
        stateReason: 'replaced by CDC',
      },
    ]);
  });
});
