import { DynamoDBClient, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { jobRunnerInput } from '../../lib/schedule/runner-input';
import { scheduledJob } from '../../test/support/fixtures';
import { finishRun } from './finish';
import { handle } from './handler';
import { metricLine, recorderEventSchema, toRunRecord, type RecorderEvent } from './record';

const ddbMock = mockAws(DynamoDBDocumentClient);
const eventsMock = mockAws(EventBridgeClient);
const NOW = new Date('2026-11-23T03:05:00Z');
const warn = vi.fn();
const emit = vi.fn<(line: string) => void>();
const deps = {
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-1' })),
  events: new EventBridgeClient({ region: 'ap-northeast-1' }),
  tableName: 'sandbox-batch-jobs',
  eventBusName: 'sandbox-batch-jobs',
  environment: 'sandbox',
  now: () => NOW,
  warn,
  emit,
};
const taskArn = 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/0123abcd';
const executionArn = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1';

const event = (state: Partial<RecorderEvent['state']> = {}): RecorderEvent => ({
  state: {
    ...jobRunnerInput('sandbox', scheduledJob({ retries: 2 }), 'schedule', '2026-11-23T03:00:00Z'),
    run: { attempt: 0, capacity: 'spot', fellBack: false },
    lease: { decision: 'run', held: true },
    outcome: { status: 'Succeeded', reason: 'exited with code 0' },
    task: {
      TaskArn: taskArn,
      StopCode: 'EssentialContainerExited',
      StoppedReason: 'Essential container in task exited',
      Containers: [{ ExitCode: 0 }],
    },
    ...state,
  },
  executionArn,
  executionName: 'exec-1',
  startedAt: '2026-11-23T03:00:01.000Z',
  endedAt: '2026-11-23T03:04:31.000Z',
});

beforeEach(() => {
  ddbMock.reset();
  eventsMock.reset();
  warn.mockReset();
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(DeleteCommand).resolves({});
  eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

describe('toRunRecord', () => {
  it('a success: exit code, stop code, task, log stream, duration, attempts', () => {
    expect(toRunRecord(event(), 'sandbox')).toEqual({
      job: 'nightly-report',
      environment: 'sandbox',
      slot: '2026-11-23T03:00:00Z',
      trigger: 'schedule',
      status: 'Succeeded',
      reason: 'exited with code 0 (Essential container in task exited)',
      startedAt: '2026-11-23T03:00:01.000Z',
      endedAt: '2026-11-23T03:04:31.000Z',
      durationSeconds: 270,
      attempts: 1,
      capacity: 'spot',
      fellBackToOnDemand: false,
      executionArn,
      exitCode: 0,
      stopCode: 'EssentialContainerExited',
      taskArn,
      logStream: 'nightly-report/job/0123abcd',
    });
  });

  it('an ECS API failure keeps its error and cause, and has no task', () => {
    const record = toRunRecord(
      event({
        task: undefined,
        run: { attempt: 1, capacity: 'on-demand', fellBack: true },
        outcome: { status: 'Failed', reason: 'the work could not run for a reason outside the job' },
        error: { Error: 'ECS.ClientException', Cause: 'Unable to find task definition' },
      }),
      'sandbox',
    );
    expect(record).toMatchObject({
      attempts: 2,
      capacity: 'on-demand',
      fellBackToOnDemand: true,
      cause: 'ECS.ClientException: Unable to find task definition',
    });
    expect(record).not.toHaveProperty('taskArn');
  });

  it('a skipped run counts no attempt', () => {
    const record = toRunRecord(
      event({
        task: undefined,
        outcome: { status: 'Skipped', reason: 'the previous run x is still running' },
      }),
      'sandbox',
    );
    expect(record.attempts).toBe(0);
  });

  it('a task that stopped before its container ran has no exit code, and says why it stopped', () => {
    for (const Containers of [undefined, []]) {
      const record = toRunRecord(
        event({
          outcome: { status: 'Failed', reason: 'the task did not start' },
          task: {
            TaskArn: taskArn,
            StopCode: 'TaskFailedToStart',
            StoppedReason: 'CannotPullContainerError',
            Containers,
          },
        }),
        'sandbox',
      );
      expect(record.reason).toBe('the task did not start (CannotPullContainerError)');
      // Absent, not undefined: the document client refuses to write an undefined attribute.
      expect(record).not.toHaveProperty('exitCode');
    }
  });

  it('the record reason carries both the task and the container reason', () => {
    const record = toRunRecord(
      event({
        outcome: { status: 'Failed', reason: 'the job failed on attempt 1' },
        task: {
          TaskArn: taskArn,
          StoppedReason: 'Essential container in task exited',
          Containers: [{ ExitCode: 137, Reason: 'OutOfMemoryError: Container killed due to memory usage' }],
        },
      }),
      'sandbox',
    );
    expect(record.reason).toBe(
      'the job failed on attempt 1 (Essential container in task exited; OutOfMemoryError: Container killed due to memory usage)',
    );
    expect(record.exitCode).toBe(137);
  });

  it.each([
    [{ Error: 'States.Timeout' }, 'States.Timeout: '],
    [{ Cause: 'no capacity' }, 'Error: no capacity'],
  ])('an error without a name or cause is still recorded (%j)', (error, cause) => {
    expect(toRunRecord(event({ task: undefined, error }), 'sandbox').cause).toBe(cause);
  });

  it('a long cause (ECS quotes the whole task) is cut to 1000 characters: records and events have size limits', () => {
    const record = toRunRecord(
      event({ task: undefined, error: { Error: 'ECS', Cause: 'x'.repeat(5000) } }),
      'sandbox',
    );
    expect(record.cause).toHaveLength(1000);
    expect(record.cause!.startsWith('ECS: xxx')).toBe(true);
  });

  it.each([
    [
      'a negative attempt',
      { run: { attempt: -1, capacity: 'spot', fellBack: false } },
      /state\.run\.attempt/,
    ],
    [
      'an unknown capacity',
      { run: { attempt: 0, capacity: 'fargate', fellBack: false } },
      /state\.run\.capacity/,
    ],
    [
      'a fellBack that is not a boolean',
      { run: { attempt: 0, capacity: 'spot', fellBack: 'no' } },
      /state\.run\.fellBack/,
    ],
    ['a lease without held', { lease: { decision: 'run' } }, /state\.lease\.held/],
    [
      'a lease decision that is not a string',
      { lease: { decision: 1, held: true } },
      /state\.lease\.decision/,
    ],
    ['a task ARN that is not a string', { task: { TaskArn: 1 } }, /state\.task\.TaskArn/],
    ['a stop code that is not a string', { task: { StopCode: 1 } }, /state\.task\.StopCode/],
    ['a stopped reason that is not a string', { task: { StoppedReason: 1 } }, /state\.task\.StoppedReason/],
    [
      'an exit code that is not a number',
      { task: { Containers: [{ ExitCode: '0' }] } },
      /state\.task\.Containers\.0\.ExitCode/,
    ],
    [
      'a container reason that is not a string',
      { task: { Containers: [{ Reason: 1 }] } },
      /state\.task\.Containers\.0\.Reason/,
    ],
    ['an error name that is not a string', { error: { Error: 1 } }, /state\.error\.Error/],
    ['an error cause that is not a string', { error: { Cause: {} } }, /state\.error\.Cause/],
  ])('the schema rejects %s, naming the field', (_, state, field) => {
    const parsed = recorderEventSchema.safeParse(event(state as never));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.')).join(' ')).toMatch(field);
  });

  it('the schema rejects an execution that is not an ARN (it is the event resource and the lease holder)', () => {
    expect(recorderEventSchema.safeParse({ ...event(), executionArn: 'exec-1' }).success).toBe(false);
  });

  it.each([
    ['a manual trigger', { trigger: 'manual' }],
    ['an on-demand capacity', { run: { attempt: 0, capacity: 'on-demand', fellBack: false } }],
  ])('the schema takes %s (every value the runner can send)', (_, state) => {
    expect(recorderEventSchema.safeParse(event(state as never)).success).toBe(true);
  });
});

describe('finishRun', () => {
  it('writes the record, releases its own lease, then publishes Job<Status> with the record', async () => {
    const finished = await finishRun(event(), deps);
    expect(finished.detailType).toBe('JobSucceeded');
    expect(ddbMock.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      Item: {
        pk: 'RUN#nightly-report',
        sk: '2026-11-23T03:00:01.000Z#exec-1',
        ...toRunRecord(event(), 'sandbox'),
        ttl: Math.floor(NOW.getTime() / 1000) + 180 * 86_400,
      },
    });
    expect(ddbMock.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      Key: { pk: 'LEASE#nightly-report', sk: 'LEASE' },
      ConditionExpression: 'holder = :me',
      ExpressionAttributeValues: { ':me': executionArn },
    });
    const [entry] = eventsMock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entry).toMatchObject({
      EventBusName: 'sandbox-batch-jobs',
      Source: 'batch-platform.jobs',
      DetailType: 'JobSucceeded',
      Resources: [executionArn],
    });
    expect(JSON.parse(entry!.Detail!)).toEqual({ ...toRunRecord(event(), 'sandbox'), recorded: true });
  });

  it('a run that holds no lease releases nothing', async () => {
    await finishRun(event({ lease: { decision: 'skip', held: false } }), deps);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('a lease already taken by another run is left alone', async () => {
    ddbMock.on(DeleteCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(finishRun(event(), deps)).resolves.toMatchObject({ detailType: 'JobSucceeded' });
  });

  it('a failed record still publishes the outcome, marked unrecorded, and says so in the log', async () => {
    ddbMock.on(PutCommand).rejects(new Error('throttled'));
    const finished = await finishRun(
      event({ outcome: { status: 'Failed', reason: 'the job failed on attempt 1' } }),
      deps,
    );
    expect(finished.detail.recorded).toBe(false);
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith('run not recorded', expect.objectContaining({ job: 'nightly-report' }));
  });

  it('an unpublished event is an error for the runner to retry (PutEvents answers 200 with failures)', async () => {
    eventsMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    await expect(finishRun(event(), deps)).rejects.toMatchObject({
      name: 'OutcomeNotPublished',
      message: 'JobSucceeded not published: InternalFailure: x',
    });
  });

  it('a failed count without entries is still OutcomeNotPublished, not a TypeError', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1 });
    await expect(finishRun(event(), deps)).rejects.toMatchObject({ name: 'OutcomeNotPublished' });
  });

  it('a release that fails for another reason than the condition is thrown for the runner to retry, unpublished', async () => {
    ddbMock.on(DeleteCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(finishRun(event(), deps)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('handler', () => {
  it('rejects a malformed event as InvalidFinishEvent, naming the field, touching nothing', async () => {
    const error = (await handle({ ...event(), state: { ...event().state, outcome: undefined } }, deps).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.name).toBe('InvalidFinishEvent');
    expect(error.message).toMatch(/^job-recorder: invalid event: state\.outcome: /);
    expect(ddbMock.calls()).toHaveLength(0);
  });

  it('names the whole event when it is not an object', async () => {
    await expect(handle('exec-1', deps)).rejects.toThrow(/^job-recorder: invalid event: event: /);
  });

  it('feeds the parsed event to finishRun and writes one EMF line', async () => {
    emit.mockReset();
    await handle(event(), deps);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(JSON.parse(emit.mock.calls[0]![0])).toMatchObject({
      Environment: 'sandbox',
      Job: 'nightly-report',
      Succeeded: 1,
      RunNotRecorded: 0,
    });
  });
});

describe('metricLine', () => {
  it('declares per-job and per-environment metrics, including RunNotRecorded', () => {
    const line = JSON.parse(metricLine(toRunRecord(event(), 'sandbox'), NOW, false)) as Record<
      string,
      unknown
    >;
    expect(line).toMatchObject({
      _aws: {
        Timestamp: NOW.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'BatchPlatform/Jobs',
            Dimensions: [['Environment', 'Job'], ['Environment']],
            Metrics: [
              { Name: 'Succeeded', Unit: 'Count' },
              { Name: 'DurationSeconds', Unit: 'Seconds' },
              { Name: 'RunNotRecorded', Unit: 'Count' },
              { Name: 'FellBackToOnDemand', Unit: 'Count' },
            ],
          },
        ],
      },
      Succeeded: 1,
      DurationSeconds: 270,
      RunNotRecorded: 1,
      FellBackToOnDemand: 0,
    });
  });

  it('counts a run that fell back to on-demand, and a recorded one as recorded', () => {
    const record = { ...toRunRecord(event(), 'sandbox'), fellBackToOnDemand: true };
    expect(JSON.parse(metricLine(record, NOW, true))).toMatchObject({
      FellBackToOnDemand: 1,
      RunNotRecorded: 0,
    });
  });
});
