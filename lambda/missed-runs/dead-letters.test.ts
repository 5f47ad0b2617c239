import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { missedRunCatalog } from '../../lib/schedule/missed-run-catalog';
import { jobRunnerInput } from '../../lib/schedule/runner-input';
import { mockAws } from '../../test/support/aws-mock';
import { FakeJobsTable } from '../../test/support/fake-jobs-table';
import { scheduledJob } from '../../test/support/fixtures';
import { alertDeadLetters, RECEIVE_VISIBILITY_SECONDS } from './dead-letters';
import type { JobMissedDetail } from './events';

const ddbMock = mockAws(DynamoDBDocumentClient);
const eventsMock = mockAws(EventBridgeClient);
const sqsMock = mockAws(SQSClient);
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const events = new EventBridgeClient({});
const sqs = new SQSClient({});
const QUEUE_URL = 'https://sqs.ap-northeast-1.amazonaws.com/111111111111/sandbox-JobRunner-UndeliveredStarts';
const catalog = missedRunCatalog('sandbox', [scheduledJob()]);

let table: FakeJobsTable;
let details: JobMissedDetail[];
let putEventsFails: boolean;

const stringAttribute = (value: string) => ({ DataType: 'String', StringValue: value });

/**
 * A dead letter as EventBridge Scheduler documents it: the body is the target's input, the
 * runner input with `<aws.scheduler.scheduled-time>` substituted, and the attributes say why.
 */
const realDeadLetter: Message = {
  MessageId: '5fea7756-0ea4-451a-a703-a558b933e274',
  ReceiptHandle: 'AQEB-receipt-1',
  Body: JSON.stringify(jobRunnerInput('sandbox', scheduledJob(), 'schedule', '2026-11-22T18:00:00Z')),
  MessageAttributes: {
    ERROR_CODE: stringAttribute('AccessDeniedException'),
    ERROR_MESSAGE: stringAttribute(
      'User: arn:aws:sts::111111111111:assumed-role/sandbox-scheduler/a is not authorized to perform: states:StartExecution',
    ),
    EXECUTION_ID: stringAttribute('d6b5bf3a-6d9e-4d6c-9f0c-1f2d3e4f5a6b'),
    EXHAUSTED_RETRY_CONDITION: stringAttribute('MaximumRetryAttempts'),
    IS_PAYLOAD_TRUNCATED: stringAttribute('false'),
    RETRY_ATTEMPTS: stringAttribute('2'),
    SCHEDULED_TIME: stringAttribute('2026-11-22T18:00:00Z'),
    SCHEDULE_ARN: stringAttribute(
      'arn:aws:scheduler:ap-northeast-1:111111111111:schedule/default/sandbox-nightly-report-1',
    ),
    TARGET_ARN: stringAttribute('arn:aws:states:ap-northeast-1:111111111111:stateMachine:sandbox-job-runner'),
  },
};

const malformed: Message = { MessageId: 'bad-1', ReceiptHandle: 'AQEB-receipt-2', Body: '{"job": truncated' };

beforeEach(() => {
  ddbMock.reset();
  eventsMock.reset();
  sqsMock.reset();
  table = new FakeJobsTable();
  table.attach(ddbMock);
  details = [];
  putEventsFails = false;
  eventsMock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    const entries = input.Entries ?? [];
    if (putEventsFails) throw new Error('EventBridge unavailable');
    details.push(...entries.map((e) => JSON.parse(e.Detail!) as JobMissedDetail));
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'id' })) };
  });
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
});

/** The queue holds `messages`: the first receive returns them, the next finds nothing. */
function queueHolds(...messages: Message[]) {
  sqsMock.reset();
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
}

/** One pass over the dead letters at 18:20Z, for `jobs` (the one-job catalog unless told). */
const run = (alerted = new Set<string>(), jobs: typeof catalog = catalog) =>
  alertDeadLetters(jobs, {
    ddb,
    sqs,
    events,
    tableName: 'sandbox-batch-jobs',
    eventBusName: 'sandbox-batch-jobs',
    queueUrl: QUEUE_URL,
    now: () => new Date('2026-11-22T18:20:00Z'),
    sleep: () => Promise.resolve(),
    alerted,
  });

describe('alertDeadLetters', () => {
  it('decodes job and slot of a real-looking dead letter, alerts, and leaves the message for a redrive', async () => {
    queueHolds(realDeadLetter);
    const report = await run();
    expect(details).toEqual([
      {
        cause: 'undelivered',
        environment: 'sandbox',
        job: 'nightly-report',
        slot: '2026-11-22T18:00:00Z',
        expectedAt: '2026-11-23 03:00 JST',
        timezone: 'Asia/Tokyo',
        reason:
          'EventBridge Scheduler could not start nightly-report (2026-11-23 03:00 JST): AccessDeniedException User: arn:aws:sts::111111111111:assumed-role/sandbox-scheduler/a is not authorized to perform: states:StartExecution. Fix the cause, then run the slot with npm run job -- backfill nightly-report --from 2026-11-22T18:00:00Z --to 2026-11-22T18:00:01Z --env sandbox; the message stays in the dead-letter queue until you delete it.',
        deadLetter: {
          messageId: '5fea7756-0ea4-451a-a703-a558b933e274',
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:sts::111111111111:assumed-role/sandbox-scheduler/a is not authorized to perform: states:StartExecution',
          retryAttempts: '2',
          scheduleArn:
            'arn:aws:scheduler:ap-northeast-1:111111111111:schedule/default/sandbox-nightly-report-1',
        },
      },
    ]);
    expect(report).toMatchObject({ received: 1, failed: 0 });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: QUEUE_URL,
      MessageAttributeNames: ['All'],
      VisibilityTimeout: RECEIVE_VISIBILITY_SECONDS,
    });
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, Entries: [{ Id: '0', ReceiptHandle: 'AQEB-receipt-1', VisibilityTimeout: 0 }] },
    ]);
  });

  it('alerts once per message across runs in different containers', async () => {
    queueHolds(realDeadLetter);
    await run();
    queueHolds(realDeadLetter);
    const second = await run();
    expect(details).toHaveLength(1);
    expect(second).toMatchObject({ received: 1, alerted: [] });
    expect(table.get('UNDELIVERED', realDeadLetter.MessageId!)).toMatchObject({
      ttl: Date.parse('2026-11-22T18:20:00Z') / 1000 + 15 * 86_400,
    });
  });

  it('writes no marker again for a message a warm container already alerted', async () => {
    const warm = new Set<string>();
    queueHolds(realDeadLetter);
    await run(warm);
    const puts = ddbMock.commandCalls(PutCommand).length;
    queueHolds(realDeadLetter);
    await run(warm);
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(puts);
    expect(details).toHaveLength(1);
  });

  it('says a malformed message is unreadable, with its id, and does not throw', async () => {
    queueHolds(malformed);
    const report = await run();
    expect(details).toEqual([
      {
        cause: 'undelivered',
        environment: 'sandbox',
        reason:
          'EventBridge Scheduler could not start a job. Fix the cause, then run the missed slot with npm run job -- backfill; the message stays in the dead-letter queue until you delete it. The message body is not a job runner input: read message bad-1 in the queue.',
        deadLetter: { messageId: 'bad-1' },
      },
    ]);
    expect(report.failed).toBe(0);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(1);
  });

  it('takes job and slot from the attributes when the body was truncated', async () => {
    queueHolds({
      ...realDeadLetter,
      MessageId: 'truncated-1',
      Body: realDeadLetter.Body!.slice(0, 40),
      MessageAttributes: {
        ...realDeadLetter.MessageAttributes,
        IS_PAYLOAD_TRUNCATED: stringAttribute('true'),
      },
    });
    await run();
    expect(details[0]).toMatchObject({
      job: 'nightly-report',
      slot: '2026-11-22T18:00:00Z',
      expectedAt: '2026-11-23 03:00 JST',
    });
    expect(details[0]!.reason).toMatch(/job and slot come from its attributes: read message truncated-1/);
  });

  it('ignores a schedule of another environment when decoding the name', async () => {
    queueHolds({
      MessageId: 'other-env',
      ReceiptHandle: 'r',
      Body: 'x',
      MessageAttributes: {
        SCHEDULE_ARN: stringAttribute(
          'arn:aws:scheduler:ap-northeast-1:1:schedule/default/staging-nightly-report-1',
        ),
      },
    });
    await run();
    expect(details[0]!.job).toBeUndefined();
  });

  it('releases the marker when EventBridge refuses the alert, and still makes the message visible again', async () => {
    queueHolds(realDeadLetter);
    putEventsFails = true;
    const report = await run();
    expect(report.failed).toBe(1);
    expect(table.get('UNDELIVERED', realDeadLetter.MessageId!)).toBeUndefined();
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(1);
  });

  it('makes received messages visible again even when the table fails', async () => {
    queueHolds(realDeadLetter, malformed);
    ddbMock.reset();
    ddbMock.rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(run()).rejects.toThrow(/ProvisionedThroughput/);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input.Entries).toHaveLength(
      2,
    );
  });

  it('reads at most 100 messages a run', async () => {
    let n = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => ({
      Messages: Array.from({ length: 10 }, () => ({
        ...malformed,
        MessageId: `m-${n}`,
        ReceiptHandle: `r-${n++}`,
      })),
    }));
    const report = await run();
    expect(report.received).toBe(100);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(10);
  });

  const attributes = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, stringAttribute(v)]));
  const twoJobs = missedRunCatalog('sandbox', [
    scheduledJob(),
    scheduledJob({ name: 'etl-2-report', cron: '0 4 * * ? *' }),
  ]);

  it('finds the job a readable body names, known or not', async () => {
    const body = (name: string) =>
      JSON.stringify(jobRunnerInput('sandbox', scheduledJob({ name }), 'schedule', '2026-11-22T19:00:00Z'));
    queueHolds(
      { MessageId: 'second', ReceiptHandle: 'r-1', Body: body('etl-2-report') },
      { MessageId: 'gone', ReceiptHandle: 'r-2', Body: body('deleted-job') },
    );
    await run(new Set(), twoJobs);
    expect(details.map((d) => [d.job, d.timezone, d.expectedAt])).toEqual([
      ['etl-2-report', 'Asia/Tokyo', '2026-11-23 04:00 JST'],
      ['deleted-job', undefined, undefined],
    ]);
    expect(details[1]!.reason).toContain('could not start deleted-job (2026-11-22T19:00:00Z)');
  });

  it('takes a job whose name has digits from a schedule numbered past 9', async () => {
    queueHolds({
      MessageId: 'numbered',
      ReceiptHandle: 'r-1',
      Body: '{',
      MessageAttributes: attributes({
        SCHEDULE_ARN:
          'arn:aws:scheduler:ap-northeast-1:111111111111:schedule/default/sandbox-etl-2-report-12',
      }),
    });
    await run(new Set(), twoJobs);
    expect(details[0]!.job).toBe('etl-2-report');
  });

  it('takes no job from a schedule name that is not <environment>-<job>-<n>', async () => {
    queueHolds({
      MessageId: 'foreign',
      ReceiptHandle: 'r-1',
      Body: '{',
      MessageAttributes: attributes({
        SCHEDULE_ARN: 'arn:aws:scheduler:ap-northeast-1:111111111111:schedule/default/sandbox-etl-2-report',
      }),
    });
    await run(new Set(), twoJobs);
    expect(details[0]).not.toHaveProperty('job');
  });

  it('says what it knows of a letter with no slot, no error message, or a slot that is no time', async () => {
    queueHolds(
      {
        MessageId: 'no-slot',
        ReceiptHandle: 'r-1',
        MessageAttributes: attributes({
          ERROR_CODE: 'ThrottlingException',
          SCHEDULE_ARN:
            'arn:aws:scheduler:ap-northeast-1:111111111111:schedule/default/sandbox-nightly-report-1',
        }),
      },
      {
        MessageId: 'bad-time',
        ReceiptHandle: 'r-2',
        MessageAttributes: attributes({
          SCHEDULED_TIME: 'yesterday',
          SCHEDULE_ARN:
            'arn:aws:scheduler:ap-northeast-1:111111111111:schedule/default/sandbox-nightly-report-1',
        }),
      },
      { ReceiptHandle: 'r-3' },
    );
    await run();
    expect(details[0]!.reason).toMatch(
      /^EventBridge Scheduler could not start nightly-report: ThrottlingException\. Fix the cause, then run the missed slot with npm run job -- backfill;/,
    );
    expect(details[1]).not.toHaveProperty('expectedAt');
    expect(details[1]!.reason).toMatch(
      /^EventBridge Scheduler could not start nightly-report \(yesterday\)\. /,
    );
    expect(details).toHaveLength(2); // a message without an id cannot be marked: not alerted
  });

  it('reads an empty queue in one call, however SQS says it is empty', async () => {
    sqsMock.reset();
    sqsMock.on(ReceiveMessageCommand).resolves({});
    expect(await run()).toEqual({ received: 0, alerted: [], failed: 0 });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
  });

  it('reports as alerted only what EventBridge took', async () => {
    queueHolds(realDeadLetter);
    putEventsFails = true;
    expect(await run()).toEqual({ received: 1, alerted: [], failed: 1 });
  });

  it('makes messages visible again in batches of 10', async () => {
    queueHolds(
      ...Array.from({ length: 15 }, (_, i) => ({
        ...malformed,
        MessageId: `v-${i}`,
        ReceiptHandle: `r-${i}`,
      })),
    );
    await run();
    expect(
      sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input.Entries?.length),
    ).toEqual([10, 5]);
  });
});
