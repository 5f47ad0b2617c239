import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOB_EVENT_SOURCE } from '../../lib/schedule/naming';
import { leaseKey } from '../job-lease/keys';
import { RUN_RECORD_DAYS, runKey, toRunRecord, type RecorderEvent, type RunRecord } from './record';

export interface FinishDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly events: EventBridgeClient;
  readonly tableName: string;
  readonly eventBusName: string;
  readonly environment: string;
  readonly now: () => Date;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
  /** Writes one embedded-metric-format line (stdout in Lambda). */
  readonly emit: (line: string) => void;
}

export interface Finished {
  readonly detailType: string;
  readonly detail: RunRecord & { readonly recorded: boolean };
}

/** Raised when the outcome event could not be put: the runner retries, then publishes itself. */
export class OutcomeNotPublished extends Error {
  override readonly name = 'OutcomeNotPublished';
}

/**
 * The end of every run: write the record, release the lease, publish `Job<Status>`.
 *
 * A failed record must not silence the outcome, so recording is best effort (logged, and
 * counted as `RunNotRecorded`) while releasing and publishing throw for the runner to retry.
 * All three are idempotent for one execution — the record has a fixed key and the release is
 * conditional on this execution holding the lease — so a retry never doubles anything but,
 * if the function dies after publishing, the event (EventBridge delivers at least once anyway).
 */
export async function finishRun(event: RecorderEvent, deps: FinishDeps): Promise<Finished> {
  const record = toRunRecord(event, deps.environment);
  const recorded = await writeRecord(record, event.executionName, deps);
  if (event.state.lease.held) await releaseLease(record.job, event.executionArn, deps);
  const detail = { ...record, recorded };
  const detailType = `Job${record.status}`;
  const result = await deps.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: deps.eventBusName,
          Source: JOB_EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
          Resources: [event.executionArn],
        },
      ],
    }),
  );
  // PutEvents answers 200 with per-entry failures; an unpublished outcome is an error.
  if ((result.FailedEntryCount ?? 0) > 0) {
    const entry = result.Entries?.[0];
    throw new OutcomeNotPublished(`${detailType} not published: ${entry?.ErrorCode}: ${entry?.ErrorMessage}`);
  }
  return { detailType, detail };
}

async function writeRecord(record: RunRecord, executionName: string, deps: FinishDeps): Promise<boolean> {
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: {
          ...runKey(record, executionName),
          ...record,
          ttl: Math.floor(deps.now().getTime() / 1000) + RUN_RECORD_DAYS * 86_400,
        },
      }),
    );
    return true;
  } catch (error) {
    deps.warn('run not recorded', {
      job: record.job,
      executionArn: record.executionArn,
      error: String(error),
    });
    return false;
  }
}

/** Only our own lease: a replacing run or a takeover may hold it already. */
async function releaseLease(job: string, executionArn: string, deps: FinishDeps): Promise<void> {
  try {
    await deps.ddb.send(
      new DeleteCommand({
        TableName: deps.tableName,
        Key: leaseKey(job),
        ConditionExpression: 'holder = :me',
        ExpressionAttributeValues: { ':me': executionArn },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
