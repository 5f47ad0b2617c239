import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { missedRunCatalog } from '../../lib/schedule/missed-run-catalog';
import { mockAws } from '../../test/support/aws-mock';
import { FakeJobsTable } from '../../test/support/fake-jobs-table';
import { scheduledJob } from '../../test/support/fixtures';
import { DEFAULT_CATALOG_PATH, handler } from './handler';
import { slotKey } from '../job-lease/keys';
import { seenKey } from './keys';

const ddbMock = mockAws(DynamoDBDocumentClient);
const eventsMock = mockAws(EventBridgeClient);
const sqsMock = mockAws(SQSClient);
const catalog = missedRunCatalog('sandbox', [scheduledJob()]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missed-runs-'));
const catalogPath = path.join(dir, 'missed-run-catalog.json');
fs.writeFileSync(catalogPath, JSON.stringify(catalog));

let table: FakeJobsTable;
let detailTypes: string[];

beforeEach(() => {
  ddbMock.reset();
  eventsMock.reset();
  sqsMock.reset();
  table = new FakeJobsTable();
  table.attach(ddbMock);
  table.put({ ...seenKey('nightly-report', catalog.jobs[0]!.fingerprint), firstSeenEpochMs: 0 });
  detailTypes = [];
  eventsMock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    detailTypes.push(...(input.Entries ?? []).map((e) => `${e.DetailType} ${e.Source} ${e.EventBusName}`));
    return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map(() => ({ EventId: 'id' })) };
  });
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({});
  vi.useFakeTimers({ now: new Date('2026-11-22T18:20:00Z'), toFake: ['Date'] });
  vi.stubEnv('TABLE_NAME', 'sandbox-batch-jobs');
  vi.stubEnv('EVENT_BUS_NAME', 'sandbox-batch-jobs');
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', 'https://sqs.ap-northeast-1.amazonaws.com/111111111111/dlq');
  vi.stubEnv('CATALOG_PATH', catalogPath);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('missed-runs handler', () => {
  it('reads the catalog file and alerts a missed slot and a dead letter in one pass', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm-1', ReceiptHandle: 'r-1', Body: 'not json' }] })
      .resolves({ Messages: [] });
    await handler();
    expect(detailTypes).toEqual([
      'JobMissed batch-platform.jobs sandbox-batch-jobs',
      'JobMissed batch-platform.jobs sandbox-batch-jobs',
    ]);
  });

  it('still checks the slots when the queue cannot be read, then fails so the alarm fires', async () => {
    sqsMock.on(ReceiveMessageCommand).rejects(new Error('AccessDenied'));
    await expect(handler()).rejects.toThrow(/missed-runs: dead-letter check failed: Error: AccessDenied/);
    expect(detailTypes).toHaveLength(1);
  });

  it('fails when EventBridge refused an alert', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [] });
    eventsMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(handler()).rejects.toThrow(/1 missed-slot alert\(s\) refused by EventBridge/);
  });

  it('names a missing setting', async () => {
    vi.stubEnv('DEAD_LETTER_QUEUE_URL', '');
    await expect(handler()).rejects.toThrow('missed-runs: DEAD_LETTER_QUEUE_URL is not set');
  });

  it('really waits before it asks DynamoDB again for keys it left unprocessed', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T18:20:00Z'), toFake: ['Date', 'setTimeout'] });
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [] });
    table.put({ ...slotKey('nightly-report', '2026-11-22T18:00:00Z'), outcome: 'run' });
    table.unprocessedOnce = 1;
    const pass = handler();
    await vi.advanceTimersByTimeAsync(99);
    const before = table.batchGets;
    await vi.advanceTimersByTimeAsync(1);
    await pass;
    expect(table.batchGets).toBe(before + 1);
  });

  it('reads the catalog from the layer under /opt when no path is set', () => {
    expect(DEFAULT_CATALOG_PATH).toBe('/opt/missed-run-catalog.json');
  });
});

describe('what the pass logs for the operator', () => {
  let warn: MockInstance;
  let info: MockInstance;
  let error: MockInstance;
  beforeEach(() => {
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    info = vi.spyOn(Logger.prototype, 'info').mockImplementation(() => undefined);
    error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('one warning per missed run, from either check, and a summary of what it read', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'log-1', ReceiptHandle: 'r-log-1', Body: 'not json' }] })
      .resolves({ Messages: [] });
    const report = await handler();
    expect(warn.mock.calls).toEqual([
      ['missed run', expect.objectContaining({ job: 'nightly-report', cause: 'unclaimed' })],
      ['missed run', expect.objectContaining({ cause: 'undelivered' })],
    ]);
    expect(info.mock.calls).toEqual([
      ['missed-run pass', { jobs: 1, slots: expect.any(Number) as number, deadLetters: 1 }],
    ]);
    expect(error).not.toHaveBeenCalled();
    expect(report.deadLetters).toMatchObject({ received: 1, failed: 0 });
    expect(report.detect).toMatchObject({ jobsChecked: 1, failed: 0 });
  });

  it('still reads the dead letters when the slots cannot be checked, then fails naming why', async () => {
    ddbMock.on(BatchGetCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'log-2', ReceiptHandle: 'r-log-2', Body: 'not json' }] })
      .resolves({ Messages: [] });
    await expect(handler()).rejects.toThrow(
      new Error('missed-runs: missed-slot check failed: Error: ProvisionedThroughputExceeded'),
    );
    expect(warn.mock.calls).toEqual([['missed run', expect.objectContaining({ cause: 'undelivered' })]]);
    expect(info.mock.calls).toEqual([
      ['missed-run pass', { jobs: undefined, slots: undefined, deadLetters: 1 }],
    ]);
    expect(error.mock.calls).toEqual([
      [
        'missed-run pass incomplete',
        { problems: ['missed-slot check failed: Error: ProvisionedThroughputExceeded'] },
      ],
    ]);
  });

  it('fails when EventBridge refused a dead-letter alert, and logs no summary of a failed read', async () => {
    table.put({ ...slotKey('nightly-report', '2026-11-22T18:00:00Z'), outcome: 'run' });
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'log-3', ReceiptHandle: 'r-log-3', Body: 'not json' }] })
      .resolves({ Messages: [] });
    eventsMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(handler()).rejects.toThrow(
      new Error('missed-runs: 1 dead-letter alert(s) refused by EventBridge'),
    );
    sqsMock.reset();
    sqsMock.on(ReceiveMessageCommand).rejects(new Error('AccessDenied'));
    await expect(handler()).rejects.toThrow(/dead-letter check failed/);
    expect(warn).not.toHaveBeenCalled();
    expect(info.mock.calls.at(-1)).toEqual([
      'missed-run pass',
      { jobs: 1, slots: expect.any(Number) as number, deadLetters: undefined },
    ]);
  });

  it('names every problem of a pass, one after the other', async () => {
    ddbMock.on(BatchGetCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    sqsMock.on(ReceiveMessageCommand).rejects(new Error('AccessDenied'));
    await expect(handler()).rejects.toThrow(
      new Error(
        'missed-runs: missed-slot check failed: Error: ProvisionedThroughputExceeded; dead-letter check failed: Error: AccessDenied',
      ),
    );
  });
});
