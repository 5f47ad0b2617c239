import {
  DynamoDBClient,
  TransactionCanceledException,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { jobRunnerInput } from '../../lib/schedule/runner-input';
import { FakeTable } from '../../test/job-runner/fake-table';
import { scheduledJob } from '../../test/support/fixtures';
import { begin, reacquire, takeOver } from './lease';

const ddbMock = mockAws(DynamoDBDocumentClient);
const sfnMock = mockAws(SFNClient);
const NOW = new Date('2026-11-23T03:00:01Z');
const deps = {
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-1' })),
  sfn: new SFNClient({ region: 'ap-northeast-1' }),
  tableName: 'sandbox-batch-jobs',
  now: () => NOW,
};
const arn = (name: string) =>
  `arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:${name}`;
const start = (concurrency: 'forbid' | 'replace' | 'allow' = 'forbid', slot = '2026-11-23T03:00:00Z') =>
  jobRunnerInput('sandbox', scheduledJob({ concurrency, retries: 1 }), 'schedule', slot);

let table: FakeTable;
const status = new Map<string, string>();
beforeEach(() => {
  ddbMock.reset();
  sfnMock.reset();
  table = new FakeTable();
  status.clear();
  ddbMock
    .on(TransactWriteCommand)
    .callsFake(async (i: { TransactItems: Parameters<FakeTable['transact']>[0] }) => {
      await Promise.resolve(); // answer later, as the network does, so that starts interleave
      return table.transact(i.TransactItems);
    });
  sfnMock.on(DescribeExecutionCommand).callsFake(({ executionArn }: { executionArn: string }) => {
    const s = status.get(executionArn);
    if (!s) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
    return { status: s };
  });
});
const lease = () => table.get('LEASE#nightly-report', 'LEASE');
const slot = (s = '2026-11-23T03:00:00Z') => table.get('SLOT#nightly-report', s);

describe('begin', () => {
  it('claims the slot and takes the lease in one transaction, sized to the longest run', async () => {
    expect(await begin(start(), arn('a'), deps)).toEqual({ decision: 'run', held: true });
    const [call] = ddbMock.commandCalls(TransactWriteCommand);
    expect(call!.args[0].input.TransactItems).toHaveLength(3); // the pause check, the slot, the lease
    const now = Math.floor(NOW.getTime() / 1000);
    // (retries + 2) attempts of (timeout 60 s + 600 s overhead)
    expect(lease()).toMatchObject({
      holder: arn('a'),
      expiresAt: now + 3 * 660,
      ttl: now + 3 * 660 + 7 * 86_400,
    });
    // Kept past any retry of the scheduled start, so a late redelivery is still a duplicate.
    expect(slot()).toMatchObject({ executionArn: arn('a'), outcome: 'run', ttl: now + 35 * 86_400 });
  });

  it('a retried begin of the same execution finds its own claim and lease', async () => {
    await begin(start(), arn('a'), deps);
    expect(await begin(start(), arn('a'), deps)).toEqual({ decision: 'run', held: true });
  });

  it('ten deliveries of one tick at once: exactly one runs, nine are duplicates', async () => {
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => begin(start(), arn(`e${i}`), deps)),
    );
    expect(decisions.filter((d) => d.decision === 'run')).toHaveLength(1);
    expect(decisions.filter((d) => d.decision === 'duplicate')).toHaveLength(9);
  });

  it('forbid: a live holder means skip, and the skipped slot is claimed so a redelivery is a duplicate', async () => {
    await begin(start(), arn('a'), deps);
    status.set(arn('a'), 'RUNNING');
    const later = start('forbid', '2026-11-23T04:00:00Z');
    // The holder as the lease names it: operators read which run, of which slot, since when.
    expect(await begin(later, arn('b'), deps)).toEqual({
      decision: 'skip',
      held: false,
      holder: { executionArn: arn('a'), slot: '2026-11-23T03:00:00Z', acquiredAt: NOW.toISOString() },
      holderStatus: 'RUNNING',
    });
    expect(slot('2026-11-23T04:00:00Z')).toMatchObject({ outcome: 'skipped' });
    expect(await begin(later, arn('c'), deps)).toEqual({
      decision: 'duplicate',
      held: false,
      slot: '2026-11-23T04:00:00Z',
    });
    expect(lease()?.['holder']).toBe(arn('a'));
  });

  it.each(['RUNNING', 'PENDING_REDRIVE', 'SOMETHING_NEW'])(
    'a holder %s is alive, however old its lease',
    async (s) => {
      await begin(start(), arn('a'), deps);
      status.set(arn('a'), s);
      const muchLater = { ...deps, now: () => new Date(NOW.getTime() + 30 * 86_400_000) };
      expect(await begin(start('forbid', '2026-12-23T03:00:00Z'), arn('b'), muchLater)).toMatchObject({
        decision: 'skip',
      });
    },
  );

  it.each(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'DOES_NOT_EXIST'])(
    'a holder %s is gone: its work is stopped first (orphaned)',
    async (s) => {
      await begin(start(), arn('a'), deps);
      // Step Functions forgets an execution 90 days after it ends: DescribeExecution then fails.
      if (s !== 'DOES_NOT_EXIST') status.set(arn('a'), s);
      expect(await begin(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), deps)).toMatchObject({
        decision: 'orphaned',
        held: false,
        holder: { executionArn: arn('a') },
        holderStatus: s,
      });
      expect(lease()?.['holder']).toBe(arn('a')); // not taken yet
      expect(slot('2026-11-23T04:00:00Z')).toBeUndefined(); // nothing half-written
    },
  );

  it('two deliveries of a tick while the holder runs: one skips, the other is a duplicate', async () => {
    await begin(start(), arn('a'), deps);
    status.set(arn('a'), 'RUNNING');
    const later = start('forbid', '2026-11-23T04:00:00Z');
    const decisions = await Promise.all([begin(later, arn('b'), deps), begin(later, arn('c'), deps)]);
    expect(decisions.map((d) => d.decision).sort()).toEqual(['duplicate', 'skip']);
  });

  it('replace: a live holder is named for the runner to stop', async () => {
    await begin(start('replace'), arn('a'), deps);
    status.set(arn('a'), 'RUNNING');
    expect(await begin(start('replace', '2026-11-23T04:00:00Z'), arn('b'), deps)).toMatchObject({
      decision: 'replace',
      held: false,
    });
  });

  it('allow claims the slot only, and still refuses a second delivery', async () => {
    expect(await begin(start('allow'), arn('a'), deps)).toEqual({ decision: 'run', held: false });
    expect(lease()).toBeUndefined();
    expect(slot()).toMatchObject({ executionArn: arn('a'), outcome: 'run' });
    expect(await begin(start('allow'), arn('b'), deps)).toMatchObject({ decision: 'duplicate' });
  });

  it('a transaction conflict is thrown for the runner to retry, and writes nothing', async () => {
    table.failTransactions = 1;
    await expect(begin(start(), arn('a'), deps)).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(table.items.size).toBe(0);
  });
  it('a status Step Functions does not give counts as alive, never as gone', async () => {
    await begin(start(), arn('a'), deps);
    sfnMock.on(DescribeExecutionCommand).resolves({});
    expect(await begin(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), deps)).toMatchObject({
      decision: 'skip',
      holderStatus: 'UNKNOWN',
    });
  });

  it('a failed status check is thrown for the runner to retry, not read as a gone holder', async () => {
    await begin(start(), arn('a'), deps);
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(begin(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), deps)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(lease()?.['holder']).toBe(arn('a'));
  });
});

describe('transact: what a refused transaction means', () => {
  const cancelled = (CancellationReasons: CancellationReason[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons,
    });

  it('a cancellation without a failed condition (a conflict) is thrown as it came, for the runner to retry', async () => {
    const conflict = cancelled([{ Code: 'None' }, { Code: 'TransactionConflict' }]);
    ddbMock.on(TransactWriteCommand).rejects(conflict);
    await expect(begin(start(), arn('a'), deps)).rejects.toBe(conflict);
  });

  it.each([
    ['no old item', undefined],
    ['an old item without a holder', { pk: { S: 'LEASE#nightly-report' } }],
  ])('a refused lease with %s is an error, not a decision', async (_, Item) => {
    // begin's items: the pause check, the slot, the lease
    const refusal = cancelled([{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed', Item }]);
    ddbMock.on(TransactWriteCommand).rejects(refusal);
    const error = (await begin(start(), arn('a'), deps).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('job-lease: lease condition failed but no holder was returned');
    expect(error.cause).toBe(refusal); // the cancellation reasons, for whoever reads the failure
  });

  it('a holder without slot or start time is still named', async () => {
    status.set(arn('b'), 'RUNNING');
    ddbMock
      .on(TransactWriteCommand)
      .rejectsOnce(
        cancelled([
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed', Item: { holder: { S: arn('b') } } },
        ]),
      )
      .resolves({});
    expect(await begin(start(), arn('a'), deps)).toEqual({
      decision: 'skip',
      held: false,
      holder: { executionArn: arn('b'), slot: '', acquiredAt: '' },
      holderStatus: 'RUNNING',
    });
  });
});

describe('begin, while an operator pauses the job', () => {
  const pauseUntil = (until: Date) =>
    table.put({
      Item: {
        pk: 'PAUSE#nightly-report',
        sk: 'PAUSE',
        reason: 'vendor API down (INC-123)',
        by: 'arn:aws:sts::111111111111:assumed-role/Operator/alice',
        until: until.toISOString(),
        untilEpoch: Math.floor(until.getTime() / 1000),
      },
    });

  it.each(['forbid', 'allow'] as const)(
    '%s: the slot is claimed as paused, with who paused, why and until when; the lease is not taken',
    async (concurrency) => {
      pauseUntil(new Date(NOW.getTime() + 3_600_000));
      expect(await begin(start(concurrency), arn('a'), deps)).toEqual({
        decision: 'paused',
        held: false,
        pause: {
          reason: 'vendor API down (INC-123)',
          by: 'arn:aws:sts::111111111111:assumed-role/Operator/alice',
          until: '2026-11-23T04:00:01.000Z',
        },
      });
      expect(slot()).toMatchObject({ executionArn: arn('a'), outcome: 'paused' });
      expect(lease()).toBeUndefined();
      // A second delivery of the paused slot is a duplicate, not a second skip.
      expect(await begin(start(concurrency), arn('b'), deps)).toMatchObject({ decision: 'duplicate' });
    },
  );

  it('ten deliveries of one tick at once while paused: one is recorded paused, nine are duplicates', async () => {
    pauseUntil(new Date(NOW.getTime() + 3_600_000));
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => begin(start(), arn(`e${i}`), deps)),
    );
    expect(decisions.filter((d) => d.decision === 'paused')).toHaveLength(1);
    expect(decisions.filter((d) => d.decision === 'duplicate')).toHaveLength(9);
  });

  it('a pause that has run out is ignored, to the second', async () => {
    pauseUntil(NOW);
    expect(await begin(start(), arn('a'), deps)).toEqual({ decision: 'run', held: true });
    const [check] = ddbMock.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(check!.ConditionCheck).toEqual({
      TableName: 'sandbox-batch-jobs',
      Key: { pk: 'PAUSE#nightly-report', sk: 'PAUSE' },
      ConditionExpression: 'attribute_not_exists(pk) OR untilEpoch <= :now',
      ExpressionAttributeValues: { ':now': Math.floor(NOW.getTime() / 1000) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('a slot already claimed is a duplicate even while paused', async () => {
    await begin(start(), arn('a'), deps);
    pauseUntil(new Date(NOW.getTime() + 3_600_000));
    expect(await begin(start(), arn('b'), deps)).toMatchObject({ decision: 'duplicate' });
  });

  it('a pause item missing its fields still says the job is paused', async () => {
    table.put({
      Item: { pk: 'PAUSE#nightly-report', sk: 'PAUSE', untilEpoch: Math.floor(NOW.getTime() / 1000) + 60 },
    });
    expect(await begin(start(), arn('a'), deps)).toEqual({
      decision: 'paused',
      held: false,
      pause: { reason: '', by: 'unknown', until: '' },
    });
  });
});

describe('takeOver', () => {
  it('takes the lease from the stopped previous holder, with the slot', async () => {
    await begin(start(), arn('a'), deps);
    status.set(arn('a'), 'ABORTED');
    expect(await takeOver(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), arn('a'), deps)).toEqual({
      decision: 'run',
      held: true,
    });
    expect(lease()?.['holder']).toBe(arn('b'));
    expect(slot('2026-11-23T04:00:00Z')).toMatchObject({ executionArn: arn('b'), outcome: 'run' });
  });

  it('a redelivered takeover whose slot another execution claimed is a duplicate, and takes nothing', async () => {
    await begin(start(), arn('a'), deps);
    status.set(arn('a'), 'RUNNING');
    await begin(start('forbid', '2026-11-23T04:00:00Z'), arn('c'), deps); // claims 04:00 as skipped
    status.set(arn('a'), 'ABORTED');
    expect(await takeOver(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), arn('a'), deps)).toEqual({
      decision: 'duplicate',
      held: false,
      slot: '2026-11-23T04:00:00Z',
    });
    expect(lease()?.['holder']).toBe(arn('a'));
  });

  it('refuses while the previous holder still runs (StopExecution failed)', async () => {
    await begin(start(), arn('a'), deps);
    status.set(arn('a'), 'RUNNING');
    expect(await takeOver(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), arn('a'), deps)).toEqual({
      decision: 'skip',
      held: false,
      holder: { executionArn: arn('a'), slot: '', acquiredAt: '' },
      holderStatus: 'RUNNING',
    });
    expect(lease()?.['holder']).toBe(arn('a'));
  });

  it('two newer runs taking over the same holder: exactly one wins', async () => {
    await begin(start(), arn('old'), deps);
    status.set(arn('old'), 'ABORTED');
    status.set(arn('b'), 'RUNNING');
    status.set(arn('c'), 'RUNNING');
    const results = await Promise.all([
      takeOver(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), arn('old'), deps),
      takeOver(start('forbid', '2026-11-23T04:00:01Z'), arn('c'), arn('old'), deps),
    ]);
    expect(results.map((r) => r.decision).sort()).toEqual(['run', 'skip']);
  });
});

describe('reacquire (redrive guard)', () => {
  it('allow needs no lease', async () => {
    expect(await reacquire(start('allow'), arn('a'), deps)).toBe('no lease needed');
  });
  it('refuses while another execution holds the lease and runs', async () => {
    await begin(start(), arn('b'), deps);
    status.set(arn('b'), 'RUNNING');
    expect(await reacquire(start(), arn('a'), deps)).toEqual({
      refused: expect.objectContaining({ executionArn: arn('b') }) as unknown,
    });
  });
  it('a redriven execution that still holds its lease goes on', async () => {
    await begin(start(), arn('a'), deps);
    expect(await reacquire(start(), arn('a'), deps)).toBe('re-acquired');
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('loses to a newcomer that took the lease while the gone holder was checked', async () => {
    await begin(start(), arn('b'), deps);
    sfnMock.on(DescribeExecutionCommand).callsFake(() => {
      // Between the check and the second write, a new run takes the lease from the gone holder.
      const taken = { ...lease(), holder: arn('c') };
      table.items.set('LEASE#nightly-report|LEASE', taken);
      return { status: 'SUCCEEDED' };
    });
    expect(await reacquire(start(), arn('a'), deps)).toEqual({
      refused: expect.objectContaining({ executionArn: arn('c') }) as unknown,
    });
    expect(lease()?.['holder']).toBe(arn('c'));
  });

  it('takes a lease whose holder is gone', async () => {
    await begin(start(), arn('b'), deps);
    status.set(arn('b'), 'SUCCEEDED');
    expect(await reacquire(start(), arn('a'), deps)).toBe('re-acquired');
    expect(lease()?.['holder']).toBe(arn('a'));
  });
});
