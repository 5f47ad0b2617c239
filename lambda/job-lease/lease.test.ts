import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handle } from './handler';
import { acquire, takeOver, type AcquireEvent } from './lease';

const ddbMock = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);
const NOW = new Date('2026-11-23T03:00:01Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const deps = {
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-1' })),
  sfn: new SFNClient({ region: 'ap-northeast-1' }),
  tableName: 'sandbox-batch-jobs',
  now: () => NOW,
};
const arn = (name: string) =>
  `arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:${name}`;
const event = (overrides: Partial<AcquireEvent> = {}): AcquireEvent => ({
  action: 'acquire',
  job: 'nightly-report',
  slot: '2026-11-23T03:00:00Z',
  executionArn: arn('b'),
  concurrency: 'forbid',
  leaseSeconds: 3900,
  ...overrides,
});
const conflict = (holder?: string) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(holder
      ? {
          Item: {
            holder: { S: holder },
            slot: { S: '2026-11-23T02:00:00Z' },
            acquiredAt: { S: '2026-11-23T02:00:01Z' },
          },
        }
      : {}),
  });
const isSlot = { Item: { pk: 'SLOT#nightly-report' } } as never;
const isLease = { Item: { pk: 'LEASE#nightly-report' } } as never;
const puts = () => ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);

beforeEach(() => {
  ddbMock.reset();
  sfnMock.reset();
  ddbMock.on(PutCommand).resolves({});
});

describe('acquire', () => {
  it('claims the slot, then takes the lease until timeout plus grace', async () => {
    expect(await acquire(event(), deps)).toEqual({ decision: 'run' });
    expect(puts()).toEqual([
      {
        TableName: 'sandbox-batch-jobs',
        Item: {
          pk: 'SLOT#nightly-report',
          sk: '2026-11-23T03:00:00Z',
          executionArn: arn('b'),
          claimedAt: NOW.toISOString(),
          ttl: NOW_S + 35 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR executionArn = :me',
        ExpressionAttributeValues: { ':me': arn('b') },
      },
      {
        TableName: 'sandbox-batch-jobs',
        Item: {
          pk: 'LEASE#nightly-report',
          sk: 'LEASE',
          holder: arn('b'),
          slot: '2026-11-23T03:00:00Z',
          acquiredAt: NOW.toISOString(),
          expiresAt: NOW_S + 3900,
          ttl: NOW_S + 3900 + 7 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :me',
        ExpressionAttributeValues: { ':now': NOW_S, ':me': arn('b') },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    ]);
  });

  it('the race: a second start for the same slot loses the conditional write and runs nothing', async () => {
    ddbMock.on(PutCommand, isSlot).rejects(conflict());
    expect(await acquire(event(), deps)).toEqual({ decision: 'duplicate', slot: '2026-11-23T03:00:00Z' });
    expect(puts()).toHaveLength(1); // no lease write
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it.each([
    ['forbid', 'skip'],
    ['replace', 'replace'],
  ] as const)('a live holder under %s answers %s, naming the holder', async (concurrency, decision) => {
    ddbMock.on(PutCommand, isLease).rejects(conflict(arn('a')));
    sfnMock.on(DescribeExecutionCommand, { executionArn: arn('a') }).resolves({ status: 'RUNNING' });
    expect(await acquire(event({ concurrency }), deps)).toEqual({
      decision,
      holder: { executionArn: arn('a'), slot: '2026-11-23T02:00:00Z', acquiredAt: '2026-11-23T02:00:01Z' },
    });
  });

  it.each(['ABORTED', 'FAILED', 'SUCCEEDED', 'TIMED_OUT', 'PENDING_REDRIVE'] as const)(
    'takes over a lease whose holder is %s, on condition it is still that holder',
    async (status) => {
      ddbMock
        .on(PutCommand, isLease)
        .rejectsOnce(conflict(arn('a')))
        .resolves({});
      sfnMock.on(DescribeExecutionCommand).resolves({ status });
      expect(await acquire(event(), deps)).toEqual({ decision: 'run' });
      const takeover = puts()[2]!;
      expect(takeover.ConditionExpression).toBe('holder = :old');
      expect(takeover.ExpressionAttributeValues).toEqual({ ':old': arn('a') });
    },
  );

  it('takes over a lease whose holder execution no longer exists', async () => {
    ddbMock
      .on(PutCommand, isLease)
      .rejectsOnce(conflict(arn('a')))
      .resolves({});
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    expect(await acquire(event(), deps)).toEqual({ decision: 'run' });
  });

  it('when another start takes over the stale lease first, it sees the new live holder and skips', async () => {
    ddbMock
      .on(PutCommand, isLease)
      .rejectsOnce(conflict(arn('stale')))
      .rejectsOnce(conflict(arn('c')));
    sfnMock.on(DescribeExecutionCommand, { executionArn: arn('stale') }).resolves({ status: 'ABORTED' });
    sfnMock.on(DescribeExecutionCommand, { executionArn: arn('c') }).resolves({ status: 'RUNNING' });
    expect(await acquire(event(), deps)).toMatchObject({
      decision: 'skip',
      holder: { executionArn: arn('c') },
    });
  });

  it('allow claims the slot only: overlapping runs take no lease', async () => {
    expect(await acquire(event({ concurrency: 'allow' }), deps)).toEqual({ decision: 'run' });
    expect(puts().map((p) => String(p.Item?.['pk']))).toEqual(['SLOT#nightly-report']);
  });

  it('lets a DynamoDB throttle reach Step Functions, which retries the Lambda', async () => {
    ddbMock.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(acquire(event(), deps)).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});

describe('takeOver (concurrency replace)', () => {
  const takeover = { ...event(), action: 'takeover' as const, previousExecutionArn: arn('a') };

  it('takes the lease held by the execution it just stopped', async () => {
    expect(await takeOver(takeover, deps)).toEqual({ decision: 'run' });
    expect(puts()[0]!.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR expiresAt < :now OR holder = :previous OR holder = :me',
    );
  });

  it('skips when a third run took the lease in between', async () => {
    ddbMock.on(PutCommand).rejects(conflict(arn('c')));
    expect(await takeOver(takeover, deps)).toMatchObject({
      decision: 'skip',
      holder: { executionArn: arn('c') },
    });
  });
});

describe('handler input validation', () => {
  it.each([
    [{ ...event(), job: undefined }, /job: /],
    [{ ...event(), concurrency: 'sometimes' }, /concurrency: /],
    [{ ...event(), leaseSeconds: 0 }, /leaseSeconds: /],
    [{ ...event(), action: 'steal' }, /action: /],
  ])('rejects %j naming the field', async (bad, message) => {
    await expect(handle(bad, deps)).rejects.toThrow(message);
    expect(ddbMock.calls()).toHaveLength(0);
  });
});
