import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
  ddbMock.on(TransactWriteCommand).callsFake(async (i: { TransactItems: { Put: never }[] }) => {
    await Promise.resolve(); // answer later, as the network does, so that starts interleave
    return table.transact(i.TransactItems.map((t) => t.Put));
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
    expect(call!.args[0].input.TransactItems).toHaveLength(2);
    const now = Math.floor(NOW.getTime() / 1000);
    // (retries + 2) attempts of (timeout 60 s + 600 s overhead)
    expect(lease()).toMatchObject({
      holder: arn('a'),
      expiresAt: now + 3 * 660,
      ttl: now + 3 * 660 + 7 * 86_400,
    });
    expect(slot()).toMatchObject({ executionArn: arn('a'), outcome: 'run' });
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
    expect(await begin(later, arn('b'), deps)).toMatchObject({
      decision: 'skip',
      holder: { executionArn: arn('a') },
    });
    expect(slot('2026-11-23T04:00:00Z')).toMatchObject({ outcome: 'skipped' });
    expect(await begin(later, arn('c'), deps)).toMatchObject({ decision: 'duplicate' });
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

  it.each(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'])(
    'a holder %s is gone: its work is stopped first (orphaned)',
    async (s) => {
      await begin(start(), arn('a'), deps);
      status.set(arn('a'), s);
      expect(await begin(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), deps)).toMatchObject({
        decision: 'orphaned',
        holder: { executionArn: arn('a') },
        holderStatus: s,
      });
      expect(lease()?.['holder']).toBe(arn('a')); // not taken yet
      expect(slot('2026-11-23T04:00:00Z')).toBeUndefined(); // nothing half-written
    },
  );

  it('replace: a live holder is named for the runner to stop', async () => {
    await begin(start('replace'), arn('a'), deps);
    status.set(arn('a'), 'RUNNING');
    expect(await begin(start('replace', '2026-11-23T04:00:00Z'), arn('b'), deps)).toMatchObject({
      decision: 'replace',
    });
  });

  it('allow claims the slot only, and still refuses a second delivery', async () => {
    expect(await begin(start('allow'), arn('a'), deps)).toEqual({ decision: 'run', held: false });
    expect(lease()).toBeUndefined();
    expect(await begin(start('allow'), arn('b'), deps)).toMatchObject({ decision: 'duplicate' });
  });

  it('a transaction conflict is thrown for the runner to retry, and writes nothing', async () => {
    table.failTransactions = 1;
    await expect(begin(start(), arn('a'), deps)).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(table.items.size).toBe(0);
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
  });

  it('refuses while the previous holder still runs (StopExecution failed)', async () => {
    await begin(start(), arn('a'), deps);
    status.set(arn('a'), 'RUNNING');
    expect(await takeOver(start('forbid', '2026-11-23T04:00:00Z'), arn('b'), arn('a'), deps)).toMatchObject({
      decision: 'skip',
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
  it('takes a lease whose holder is gone', async () => {
    await begin(start(), arn('b'), deps);
    status.set(arn('b'), 'SUCCEEDED');
    expect(await reacquire(start(), arn('a'), deps)).toBe('re-acquired');
    expect(lease()?.['holder']).toBe(arn('a'));
  });
});
