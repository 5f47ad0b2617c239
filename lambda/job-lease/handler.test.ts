import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
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

beforeEach(() => {
  ddbMock.reset();
  sfnMock.reset();
  ddbMock.on(TransactWriteCommand).resolves({});
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
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

  it('a redrive event that must be refused stops the redriven execution', async () => {
    sfnMock.resolves({ status: 'RUNNING' });
    const event = {
      source: 'aws.states',
      detail: { executionArn: arn, input: JSON.stringify(input), redriveCount: 1 },
    };
    ddbMock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: { holder: { S: `${arn}-other` } } }],
      }),
    );
    expect(await handle(event, deps)).toBe('refused');
    expect(sfnMock.commandCalls(StopExecutionCommand)[0]!.args[0].input).toMatchObject({
      executionArn: arn,
      error: 'RedriveRefused',
    });
  });

  it('refuses to run without TABLE_NAME', async () => {
    vi.stubEnv('TABLE_NAME', '');
    await expect(handler({ action: 'begin', executionArn: arn, input })).rejects.toThrow('TABLE_NAME');
    vi.unstubAllEnvs();
  });
});
