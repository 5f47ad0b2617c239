import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jobRunnerInput } from '../../lib/schedule/runner-input';
import { mockAws } from '../../test/support/aws-mock';
import { lambdaOutput } from '../../test/support/lambda-output';
import { scheduledJob } from '../../test/support/fixtures';
import { handler } from './handler';
import type { RecorderEvent } from './record';

const ddbMock = mockAws(DynamoDBDocumentClient);
const eventsMock = mockAws(EventBridgeClient);
const executionArn = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1';
const event: RecorderEvent = {
  state: {
    ...jobRunnerInput('sandbox', scheduledJob(), 'schedule', '2026-11-23T03:00:00Z'),
    run: { attempt: 0, capacity: 'spot', fellBack: false },
    lease: { decision: 'run', held: true },
    outcome: { status: 'Failed', reason: 'the job failed on attempt 1' },
    task: { Containers: [{ ExitCode: 3 }] },
  },
  executionArn,
  executionName: 'exec-1',
  startedAt: '2026-11-23T03:00:01.000Z',
  endedAt: '2026-11-23T03:00:31.000Z',
};

const { documents: lines, stdoutChunks } = lambdaOutput();

beforeEach(() => {
  ddbMock.reset();
  eventsMock.reset();
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(DeleteCommand).resolves({});
  eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  vi.stubEnv('TABLE_NAME', 'sandbox-batch-jobs');
  vi.stubEnv('EVENT_BUS_NAME', 'sandbox-bus');
  vi.stubEnv('ENVIRONMENT', 'sandbox');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('job-recorder handler (the Lambda entry point)', () => {
  it('writes to the configured table and bus, for the configured environment, with a TTL from now', async () => {
    const before = Math.floor(Date.now() / 1000);
    await handler(event);
    const put = ddbMock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.TableName).toBe('sandbox-batch-jobs');
    expect(put.Item).toMatchObject({ environment: 'sandbox', exitCode: 3 });
    expect(put.Item!['ttl']).toBeGreaterThanOrEqual(before + 180 * 86_400);
    expect(ddbMock.commandCalls(DeleteCommand)[0]!.args[0].input.TableName).toBe('sandbox-batch-jobs');
    const [entry] = eventsMock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entry).toMatchObject({ EventBusName: 'sandbox-bus', DetailType: 'JobFailed' });
  });

  it('prints one EMF line on stdout (CloudWatch reads metrics from there) and logs the outcome', async () => {
    await handler(event);
    const written = stdoutChunks();
    const emf = written.find((s) => s.includes('CloudWatchMetrics'));
    expect(emf).toMatch(/\n$/); // one line per document, or CloudWatch drops the metrics
    expect(lines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Environment: 'sandbox', Job: 'nightly-report', Failed: 1 }),
        expect.objectContaining({
          message: 'run finished',
          service: 'job-recorder',
          job: 'nightly-report',
          status: 'Failed',
          reason: 'the job failed on attempt 1',
          recorded: true,
        }),
      ]),
    );
  });

  it('a record that could not be written is logged as an error with the job and the cause', async () => {
    ddbMock.on(PutCommand).rejects(new Error('throttled'));
    await handler(event);
    expect(lines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'ERROR',
          message: 'run not recorded',
          job: 'nightly-report',
          error: 'Error: throttled',
        }),
        expect.objectContaining({ RunNotRecorded: 1 }),
      ]),
    );
  });

  it.each(['TABLE_NAME', 'EVENT_BUS_NAME', 'ENVIRONMENT'])(
    'refuses to run without %s, before touching anything',
    async (name) => {
      vi.stubEnv(name, '');
      await expect(handler(event)).rejects.toThrow(`job-recorder: ${name} is not set`);
      expect(ddbMock.calls()).toHaveLength(0);
      expect(eventsMock.calls()).toHaveLength(0);
    },
  );
});
