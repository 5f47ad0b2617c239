import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { acquire, takeOver, type AcquireEvent, type TakeOverEvent } from './lease';

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
const acquireEvent = (overrides: Partial<AcquireEvent> = {}): AcquireEvent => ({
  action: 'acquire',
  job: 'nightly-report',
  slot: '2026-11-23T03:00:00Z',
  executionArn: arn('b'),
  concurrency: 'forbid',
  leaseSeconds: 3900,
  ...overrides,
});
const takeOverEvent: TakeOverEvent = {
  ...acquireEvent(),
  action: 'takeover',
  previousExecutionArn: arn('a'),
};
const HELD_SINCE = { slot: '2026-11-23T02:00:00Z', acquiredAt: '2026-11-23T02:00:01Z' };
/** What DynamoDB rejects a conditional write with; `holder` fills ALL_OLD, in wire format. */
const conflict = (holder?: string) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(holder && {
      Item: { holder: { S: holder }, slot: { S: HELD_SINCE.slot }, acquiredAt: { S: HELD_SINCE.acquiredAt } },
    }),
  });
const slotPut: Partial<PutCommandInput> = { Item: { pk: 'SLOT#nightly-report' } };
const leasePut: Partial<PutCommandInput> = { Item: { pk: 'LEASE#nightly-report' } };
const puts = () => ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
const leasePuts = () => puts().filter((p) => p.Item?.['pk'] === 'LEASE#nightly-report');

beforeEach(() => {
  ddbMock.reset();
  sfnMock.reset();
  ddbMock.on(PutCommand).resolves({});
});

describe('acquire', () => {
  it('claims the slot, then takes the lease for leaseSeconds from the injected clock', async () => {
    expect(await acquire(acquireEvent(), deps)).toEqual({ decision: 'run' });
    expect(puts()).toEqual([
      {
        TableName: 'sandbox-batch-jobs',
        Item: {
          pk: 'SLOT#nightly-report',
          sk: '2026-11-23T03:00:00Z',
          executionArn: arn('b'),
          claimedAt: '2026-11-23T03:00:01.000Z',
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
          acquiredAt: '2026-11-23T03:00:01.000Z',
          expiresAt: NOW_S + 3900,
          ttl: NOW_S + 3900 + 7 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :me',
        ExpressionAttributeValues: { ':now': NOW_S, ':me': arn('b') },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    ]);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('the race: two starts for one slot, the second loses the slot claim and writes no lease', async () => {
    ddbMock.on(PutCommand, slotPut).resolvesOnce({}).rejects(conflict());
    const first = await acquire(acquireEvent({ executionArn: arn('a') }), deps);
    const second = await acquire(acquireEvent({ executionArn: arn('b') }), deps);
    expect([first, second]).toEqual([
      { decision: 'run' },
      { decision: 'duplicate', slot: '2026-11-23T03:00:00Z' },
    ]);
    expect(leasePuts().map((p) => String(p.Item?.['holder']))).toEqual([arn('a')]);
  });

  it.each([
    ['forbid', 'skip'],
    ['replace', 'replace'],
  ] as const)(
    'two slots in the same second under %s: the second finds a live holder and answers %s',
    async (concurrency, decision) => {
      ddbMock
        .on(PutCommand, leasePut)
        .resolvesOnce({})
        .rejects(conflict(arn('a')));
      sfnMock.on(DescribeExecutionCommand, { executionArn: arn('a') }).resolves({ status: 'RUNNING' });
      const first = acquireEvent({ executionArn: arn('a'), concurrency });
      expect(await acquire(first, deps)).toEqual({ decision: 'run' });
      expect(await acquire(acquireEvent({ slot: '2026-11-23T03:00:01Z', concurrency }), deps)).toEqual({
        decision,
        holder: { executionArn: arn('a'), ...HELD_SINCE },
      });
      expect(leasePuts()).toHaveLength(2); // no takeover of a live lease
      expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
    },
  );

  it.each(['ABORTED', 'FAILED', 'SUCCEEDED', 'TIMED_OUT', 'PENDING_REDRIVE'] as const)(
    'takes over a lease whose holder is %s, on condition it is still that holder',
    async (status) => {
      ddbMock
        .on(PutCommand, leasePut)
        .rejectsOnce(conflict(arn('a')))
        .resolves({});
      sfnMock.on(DescribeExecutionCommand, { executionArn: arn('a') }).resolves({ status });
      expect(await acquire(acquireEvent(), deps)).toEqual({ decision: 'run' });
      const [, takeover, ...more] = leasePuts();
      expect(more).toHaveLength(0);
      expect(takeover).toMatchObject({
        Item: { holder: arn('b'), expiresAt: NOW_S + 3900 },
        ConditionExpression: 'attribute_not_exists(pk) OR holder = :old',
        ExpressionAttributeValues: { ':old': arn('a') },
      });
    },
  );

  it('takes over a lease whose holder execution no longer exists', async () => {
    ddbMock
      .on(PutCommand, leasePut)
      .rejectsOnce(conflict(arn('a')))
      .resolves({});
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    expect(await acquire(acquireEvent(), deps)).toEqual({ decision: 'run' });
    expect(leasePuts()[1]?.ExpressionAttributeValues).toEqual({ ':old': arn('a') });
  });

  it('loses the takeover race to a live newcomer: skips naming it, and stops looking', async () => {
    ddbMock
      .on(PutCommand, leasePut)
      .rejectsOnce(conflict(arn('stale')))
      .rejects(conflict(arn('c')));
    sfnMock.on(DescribeExecutionCommand, { executionArn: arn('stale') }).resolves({ status: 'ABORTED' });
    sfnMock.on(DescribeExecutionCommand, { executionArn: arn('c') }).resolves({ status: 'RUNNING' });
    expect(await acquire(acquireEvent(), deps)).toEqual({
      decision: 'skip',
      holder: { executionArn: arn('c'), ...HELD_SINCE },
    });
    expect(leasePuts()).toHaveLength(2);
  });

  it('tries a takeover at most twice, however many stale holders it meets', async () => {
    ddbMock.on(PutCommand, leasePut).rejects(conflict(arn('stale')));
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    expect(await acquire(acquireEvent({ concurrency: 'replace' }), deps)).toMatchObject({
      decision: 'replace',
    });
    expect(leasePuts()).toHaveLength(3); // the acquire and two takeovers
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(2);
  });

  it('allow claims the slot only: overlapping runs take no lease', async () => {
    expect(await acquire(acquireEvent({ concurrency: 'allow' }), deps)).toEqual({ decision: 'run' });
    expect(puts().map((p) => String(p.Item?.['pk']))).toEqual(['SLOT#nightly-report']);
  });

  it('allow still answers duplicate for a slot already claimed', async () => {
    ddbMock.on(PutCommand, slotPut).rejects(conflict());
    expect(await acquire(acquireEvent({ concurrency: 'allow' }), deps)).toMatchObject({
      decision: 'duplicate',
    });
  });

  it('throws a DynamoDB throttle with its name, for the state machine to retry', async () => {
    ddbMock
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(acquire(acquireEvent(), deps)).rejects.toThrow(ProvisionedThroughputExceededException);
  });

  it('throws when Step Functions cannot say whether the holder runs', async () => {
    ddbMock.on(PutCommand, leasePut).rejects(conflict(arn('a')));
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(acquire(acquireEvent(), deps)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(leasePuts()).toHaveLength(1); // no takeover on a guess
  });
});

describe('takeOver (concurrency replace)', () => {
  it('takes the lease held by the execution it just stopped', async () => {
    expect(await takeOver(takeOverEvent, deps)).toEqual({ decision: 'run' });
    const [put, ...more] = puts();
    expect(more).toHaveLength(0);
    expect(put).toMatchObject({
      Item: { pk: 'LEASE#nightly-report', sk: 'LEASE', holder: arn('b'), expiresAt: NOW_S + 3900 },
      ConditionExpression:
        'attribute_not_exists(pk) OR expiresAt < :now OR holder = :previous OR holder = :me',
      ExpressionAttributeValues: { ':now': NOW_S, ':previous': arn('a'), ':me': arn('b') },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('loses to a third run that took the lease in between: skip, naming it', async () => {
    ddbMock.on(PutCommand).rejects(conflict(arn('c')));
    expect(await takeOver(takeOverEvent, deps)).toEqual({
      decision: 'skip',
      holder: { executionArn: arn('c'), ...HELD_SINCE },
    });
  });
});

describe('concurrent starts against a table that evaluates the conditions', () => {
  /** DynamoDB as far as the lease uses it: each put checks its condition and writes atomically. */
  function fakeTable() {
    const items = new Map<string, Record<string, unknown>>();
    ddbMock.on(PutCommand).callsFake(async (input: PutCommandInput) => {
      await Promise.resolve(); // answer later, as the network does, so that starts interleave
      const item = input.Item ?? {};
      const key = `${String(item['pk'])}|${String(item['sk'])}`;
      const old = items.get(key);
      const values = input.ExpressionAttributeValues ?? {};
      const holds = (clause: string) => {
        if (clause === 'attribute_not_exists(pk)') return old === undefined;
        const [name = '', op, ref = ''] = clause.split(' ');
        const current = old?.[name];
        const given: unknown = values[ref];
        if (op === '=') return old !== undefined && current === given;
        if (op === '<') return typeof current === 'number' && current < Number(given);
        throw new Error(`fake table: unsupported clause ${clause}`);
      };
      if (!(input.ConditionExpression ?? '').split(' OR ').some(holds)) {
        const wire = Object.entries(old ?? {}).map(([k, v]): [string, { N: string } | { S: string }] => [
          k,
          typeof v === 'number' ? { N: String(v) } : { S: String(v) },
        ]);
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && { Item: Object.fromEntries(wire) }),
        });
      }
      items.set(key, item);
      return {};
    });
    const ended = new Map<string, 'ABORTED' | 'SUCCEEDED'>();
    sfnMock.on(DescribeExecutionCommand).callsFake(({ executionArn }: { executionArn: string }) => ({
      status: ended.get(executionArn) ?? 'RUNNING',
    }));
    return { ended, holder: () => items.get('LEASE#nightly-report|LEASE')?.['holder'] };
  }
  const tally = (decisions: { decision: string }[]) =>
    decisions.reduce<Record<string, number>>(
      (n, d) => ({ ...n, [d.decision]: (n[d.decision] ?? 0) + 1 }),
      {},
    );
  const starts = (count: number, slot: (i: number) => string, concurrency: AcquireEvent['concurrency']) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        acquire(acquireEvent({ executionArn: arn(`e${i}`), slot: slot(i), concurrency }), deps),
      ),
    );

  it('ten deliveries of one tick at once: exactly one runs', async () => {
    const table = fakeTable();
    expect(tally(await starts(10, () => '2026-11-23T03:00:00Z', 'forbid'))).toEqual({ run: 1, duplicate: 9 });
    expect(table.holder()).toMatch(/:e\d$/);
  });

  it('ten slots in the same second, forbid: exactly one runs, the others skip', async () => {
    fakeTable();
    expect(tally(await starts(10, (i) => `2026-11-23T03:00:0${i}Z`, 'forbid'))).toEqual({ run: 1, skip: 9 });
  });

  it('a stale lease met by five starts at once is taken over by exactly one', async () => {
    const table = fakeTable();
    await acquire(acquireEvent({ executionArn: arn('stale'), slot: '2026-11-23T02:00:00Z' }), deps);
    table.ended.set(arn('stale'), 'ABORTED');
    expect(tally(await starts(5, (i) => `2026-11-23T03:00:0${i}Z`, 'forbid'))).toEqual({ run: 1, skip: 4 });
    expect(table.holder()).not.toBe(arn('stale'));
  });

  it('replace: two newer runs stop the same holder, exactly one takes over', async () => {
    const table = fakeTable();
    await acquire(acquireEvent({ executionArn: arn('old'), slot: '2026-11-23T02:00:00Z' }), deps);
    const decisions = await starts(2, (i) => `2026-11-23T03:00:0${i}Z`, 'replace');
    expect(decisions.map((d) => d.decision)).toEqual(['replace', 'replace']);
    table.ended.set(arn('old'), 'ABORTED'); // what StopPreviousExecution does
    const takeovers = await Promise.all(
      [arn('e0'), arn('e1')].map((me) =>
        takeOver({ ...takeOverEvent, executionArn: me, previousExecutionArn: arn('old') }, deps),
      ),
    );
    expect(tally(takeovers)).toEqual({ run: 1, skip: 1 });
    expect(takeovers.find((d) => d.decision === 'skip')).toMatchObject({
      holder: { executionArn: table.holder() },
    });
  });
});
