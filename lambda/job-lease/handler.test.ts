import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { mockAws } from '../../test/support/aws-mock';
import { lambdaOutput } from '../../test/support/lambda-output';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jobRunnerInput } from '../../lib/schedule/runner-input';
import { scheduledJob } from '../../test/support/fixtures';
import { handle, handler } from './handler';

const ddbMock = mockAws(DynamoDBDocumentClient);
const sfnMock = mockAws(SFNClient);
const deps = {
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-1' })),
  sfn: new SFNClient({ region: 'ap-northeast-1' }),
  tableName: 'sandbox-batch-jobs',
  now: () => new Date('2026-11-23T03:00:01Z'),
};
const arn = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1';
const input = jobRunnerInput('sandbox', scheduledJob(), 'schedule', '2026-11-23T03:00:00Z');

const { documents: logs } = lambdaOutput();
const redrive = {
  source: 'aws.states',
  detail: { executionArn: arn, input: JSON.stringify(input), redriveCount: 1 },
};

beforeEach(() => {
  ddbMock.reset();
  sfnMock.reset();
  ddbMock.on(TransactWriteCommand).resolves({});
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('job-lease handler', () => {
  it('begin returns the checked input as the new state, with the run counters and the decision', async () => {
    expect(await handle({ action: 'begin', executionArn: arn, input }, deps)).toEqual({
      ...input,
      run: { attempt: 0, capacity: 'spot', fellBack: false },
      lease: { decision: 'run', held: true },
    });
  });

  it.each([
    [
      'a manual run with a scheduled slot',
      { ...input, trigger: 'manual' },
      /slot: .* does not fit trigger "manual"/,
    ],
    ['a missing job name', { ...input, job: { ...input.job, name: undefined } }, /job\.name/],
    ['a non-ARN execution', { ...input }, /executionArn/, 'b'],
  ])('rejects %s as InvalidRunInput, before touching the table', async (_, bad, message, execution = arn) => {
    const error = (await handle({ action: 'begin', executionArn: execution, input: bad }, deps).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.name).toBe('InvalidRunInput');
    expect(error.message).toMatch(message);
    expect(ddbMock.calls()).toHaveLength(0);
  });

  it('a redrive event that must be refused stops the redriven execution, saying who holds the lease', async () => {
    sfnMock.resolves({ status: 'RUNNING' });
    const event = redrive;
    ddbMock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: { holder: { S: `${arn}-other` } } }],
      }),
    );
    expect(await handle(event, deps)).toBe('refused');
    expect(sfnMock.commandCalls(StopExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: arn,
      error: 'RedriveRefused',
      cause: `${arn}-other holds the lease of nightly-report; start a new run instead of redriving`,
    });
    expect(logs()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'redrive refused',
        job: 'nightly-report',
        executionArn: arn,
        holder: expect.objectContaining({ executionArn: `${arn}-other` }) as unknown,
      }),
    );
  });

  it('a redrive that holds the lease again goes on, untouched', async () => {
    expect(await handle(redrive, deps)).toBe('re-acquired');
    expect(sfnMock.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(logs()).toContainEqual(
      expect.objectContaining({ message: 'redrive allowed', job: 'nightly-report', verdict: 're-acquired' }),
    );
  });

  it('begin logs its decision for the job and slot', async () => {
    await handle({ action: 'begin', executionArn: arn, input }, deps);
    expect(logs()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        service: 'job-lease',
        message: 'lease decision',
        job: 'nightly-report',
        slot: '2026-11-23T03:00:00Z',
        action: 'begin',
        decision: 'run',
      }),
    );
  });

  it('takeover returns only the decision: the state is already the runner’s', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    expect(
      await handle(
        { action: 'takeover', executionArn: arn, previousExecutionArn: `${arn}-old`, input },
        deps,
      ),
    ).toEqual({ decision: 'run', held: true });
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: `${arn}-old`,
    });
  });

  it.each([
    [
      'a takeover without the previous holder',
      { action: 'takeover', executionArn: arn, input },
      /previousExecutionArn/,
    ],
    [
      'a takeover of a non-ARN',
      { action: 'takeover', executionArn: arn, previousExecutionArn: 'x', input },
      /previousExecutionArn/,
    ],
    [
      'an unknown action',
      { action: 'release', executionArn: arn, input },
      /^job-lease: invalid event: action: /,
    ],
    ['no object at all', 'begin', /^job-lease: invalid event: event: /],
  ])('rejects %s as InvalidRunInput', async (_, event, message) => {
    const error = (await handle(event, deps).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('InvalidRunInput');
    expect(error.message).toMatch(message);
    expect(ddbMock.calls()).toHaveLength(0);
  });

  it('the Lambda writes to TABLE_NAME, stamped with the current time', async () => {
    vi.stubEnv('TABLE_NAME', 'prod-batch-jobs');
    const before = new Date().toISOString();
    await handler({ action: 'begin', executionArn: arn, input });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.ConditionCheck!.TableName).toBe('prod-batch-jobs');
    for (const item of items.slice(1)) {
      expect(item.Put!.TableName).toBe('prod-batch-jobs');
      expect(String(item.Put!.Item!['claimedAt'] ?? item.Put!.Item!['acquiredAt']) >= before).toBe(true);
    }
  });

  it('refuses to run without TABLE_NAME', async () => {
    vi.stubEnv('TABLE_NAME', '');
    await expect(handler({ action: 'begin', executionArn: arn, input })).rejects.toThrow(
      'job-lease: TABLE_NAME is not set',
    );
  });
});
