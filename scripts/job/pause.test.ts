import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../lib/config';
import { mockAws } from '../../test/support/aws-mock';
import { scheduledJob } from '../../test/support/fixtures';
import { MAX_PAUSE_SECONDS, pauseJob, readPause, resumeJob } from './pause';
import { jobStatus } from './status';
import { captureOutput, testClients } from './test-support';

const ddb = mockAws(DynamoDBDocumentClient);
const sts = mockAws(STSClient);
const env = { name: 'sandbox', account: '111111111111', region: 'ap-northeast-1' } as EnvironmentConfig;
const job = scheduledJob({ name: 'nightly-report', timezone: 'Asia/Tokyo' });
const NOW = new Date('2026-11-24T01:00:00Z'); // 10:00 JST
const ALICE = 'arn:aws:sts::111111111111:assumed-role/Operator/alice';
const deps = () => ({ ...testClients(), out: captureOutput(), now: () => NOW });
const pauseItem = (untilEpoch: number) => ({
  pk: 'PAUSE#nightly-report',
  sk: 'PAUSE',
  reason: 'vendor API down (INC-123)',
  by: ALICE,
  since: '2026-11-24T00:00:00.000Z',
  until: new Date(untilEpoch * 1000).toISOString(),
  untilEpoch,
});
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

beforeEach(() => {
  ddb.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: ALICE });
});

describe('npm run job -- pause / resume', () => {
  it('writes the pause the runner checks: who, why, until when, kept a week after it runs out', async () => {
    const d = deps();
    await expect(
      pauseJob({ env, job, reason: 'vendor API down (INC-123)', forSeconds: 4 * 3600 }, d),
    ).resolves.toBe(0);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      Item: {
        pk: 'PAUSE#nightly-report',
        sk: 'PAUSE',
        reason: 'vendor API down (INC-123)',
        by: ALICE,
        since: '2026-11-24T01:00:00.000Z',
        until: '2026-11-24T05:00:00.000Z',
        untilEpoch: epoch(NOW) + 4 * 3600,
        ttl: epoch(NOW) + 4 * 3600 + 7 * 86_400,
      },
    });
    expect(d.out.stdout).toEqual([
      `nightly-report in sandbox is paused for 4h, until 2026-11-24 14:00 JST, by ${ALICE}: vendor API down (INC-123)`,
      'Its runs end Skipped with this reason until then. A run already in progress is not stopped.',
      'Lift it early: npm run job -- resume nightly-report --env sandbox',
    ]);
  });

  it('says when the paused job is also disabled in config', async () => {
    const d = deps();
    await pauseJob(
      { env, job: { ...job, enabled: false, disabledReason: 'migrating' }, reason: 'r', forSeconds: 60 },
      d,
    );
    expect(d.out.stdout).toContain('(It is also disabled in config: migrating.)');
    expect(MAX_PAUSE_SECONDS).toBe(604_800);
  });

  it('resume lifts a pause in force and says whose it was', async () => {
    ddb.on(DeleteCommand).resolves({ Attributes: pauseItem(epoch(NOW) + 60) });
    const d = deps();
    await expect(resumeJob({ env, job }, d)).resolves.toBe(0);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      Key: { pk: 'PAUSE#nightly-report', sk: 'PAUSE' },
      ReturnValues: 'ALL_OLD',
    });
    expect(d.out.stdout).toEqual([
      `nightly-report in sandbox is resumed: its next scheduled run goes ahead (it was paused by ${ALICE}: vendor API down (INC-123))`,
    ]);
  });

  it.each([
    ['no pause', undefined],
    ['a pause that ran out this second', pauseItem(epoch(NOW))],
  ])('resume with %s changes nothing and says so', async (_, Attributes) => {
    ddb.on(DeleteCommand).resolves({ Attributes });
    const d = deps();
    await expect(resumeJob({ env, job }, d)).resolves.toBe(0);
    expect(d.out.stdout).toEqual(['nightly-report in sandbox was not paused; nothing changed']);
  });

  it('status shows a pause in force, and one that ran out', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: pauseItem(epoch(NOW) + 3600) })
      .resolves({ Item: pauseItem(epoch(NOW) - 60) });
    const active = deps();
    await jobStatus({ env, job, limit: 10 }, active);
    expect(active.out.stdout).toContain(
      `PAUSED until 2026-11-24 11:00 JST by ${ALICE}: vendor API down (INC-123)`,
    );
    const expired = deps();
    await jobStatus({ env, job, limit: 10 }, expired);
    expect(expired.out.stdout).toContain(
      `(a pause by ${ALICE} ran out at 2026-11-24 09:59 JST: vendor API down (INC-123))`,
    );
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      Key: { pk: 'PAUSE#nightly-report', sk: 'PAUSE' },
      ConsistentRead: true,
    });
  });

  it('readPause is undefined without an item', async () => {
    ddb.on(GetCommand).resolves({});
    expect(await readPause({ env, job }, deps())).toBeUndefined();
  });
});

describe('npm run job -- status --json', () => {
  it('gives the records and the pause to scripts, without table keys', async () => {
    ddb.on(GetCommand).resolves({ Item: pauseItem(epoch(NOW) + 3600) });
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'RUN#nightly-report',
          sk: 's',
          status: 'Failed',
          startedAt: '2026-11-23T18:00:00Z',
          exitCode: 1,
        },
      ],
    });
    const d = deps();
    await jobStatus({ env, job, limit: 10, json: true }, d);
    expect(JSON.parse(d.out.stdout.join('\n'))).toEqual({
      job: 'nightly-report',
      environment: 'sandbox',
      enabled: true,
      pause: {
        reason: 'vendor API down (INC-123)',
        by: ALICE,
        since: '2026-11-24T00:00:00.000Z',
        until: '2026-11-24T02:00:00.000Z',
        untilEpoch: epoch(NOW) + 3600,
        active: true,
      },
      runs: [{ status: 'Failed', startedAt: '2026-11-23T18:00:00Z', exitCode: 1 }],
      unreadable: 0,
    });
  });
});
