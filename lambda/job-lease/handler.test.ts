import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { handler, InvalidLeaseEvent } from './handler';

// Mocking the classes reaches the clients the handler builds at module scope.
const ddbMock = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);
const arn = (name: string) =>
  `arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:${name}`;
const acquire = {
  action: 'acquire',
  job: 'nightly-report',
  slot: '2026-11-23T03:00:00Z',
  executionArn: arn('b'),
  concurrency: 'forbid',
  leaseSeconds: 3900,
};

let stdout: MockInstance<typeof process.stdout.write>;

beforeEach(() => {
  ddbMock.reset();
  sfnMock.reset();
  ddbMock.on(PutCommand).resolves({});
  vi.stubEnv('TABLE_NAME', 'sandbox-batch-jobs');
  // The logger writes JSON lines to stdout; keep them for assertions, out of the test output.
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('handler', () => {
  it.each([
    ['a missing job', { ...acquire, job: undefined }, /job: /],
    ['an unknown concurrency', { ...acquire, concurrency: 'sometimes' }, /concurrency: /],
    ['leaseSeconds 0', { ...acquire, leaseSeconds: 0 }, /leaseSeconds: /],
    ['an executionArn that is not an ARN', { ...acquire, executionArn: 'b' }, /executionArn: /],
    ['an unknown action', { ...acquire, action: 'steal' }, /action: /],
    ['a takeover without previousExecutionArn', { ...acquire, action: 'takeover' }, /previousExecutionArn: /],
  ])('rejects %s, naming the field, before touching the table', async (_, bad, message) => {
    const error = await handler(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidLeaseEvent);
    expect((error as Error).name).toBe('InvalidLeaseEvent');
    expect((error as Error).message).toMatch(message);
    expect(ddbMock.calls()).toHaveLength(0);
  });

  it('acquires on the table named by TABLE_NAME and logs the decision with the job', async () => {
    expect(await handler(acquire)).toEqual({ decision: 'run' });
    expect(ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input.TableName)).toEqual([
      'sandbox-batch-jobs',
      'sandbox-batch-jobs',
    ]);
    const lines = stdout.mock.calls
      .map(([chunk]) => String(chunk))
      .filter((l) => l.includes('lease decision'));
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({ service: 'job-lease', job: 'nightly-report', decision: 'run' }),
    ]);
  });

  it('routes a takeover to the conditional takeover write', async () => {
    const takeover = { ...acquire, action: 'takeover', previousExecutionArn: arn('a') };
    expect(await handler(takeover)).toEqual({ decision: 'run' });
    const [put, ...more] = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(more).toHaveLength(0);
    expect(put?.ExpressionAttributeValues).toMatchObject({ ':previous': arn('a') });
  });

  it('refuses to run without TABLE_NAME', async () => {
    vi.stubEnv('TABLE_NAME', '');
    await expect(handler(acquire)).rejects.toThrow('TABLE_NAME');
    expect(ddbMock.calls()).toHaveLength(0);
  });
});
