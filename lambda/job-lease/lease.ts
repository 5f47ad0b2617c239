import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEASE_TTL_GRACE_SECONDS, SLOT_CLAIM_SECONDS, leaseKey, slotKey } from './keys';

export type Concurrency = 'forbid' | 'replace' | 'allow';

export interface AcquireEvent {
  readonly action: 'acquire';
  readonly job: string;
  readonly slot: string;
  readonly executionArn: string;
  readonly concurrency: Concurrency;
  readonly leaseSeconds: number;
}

export interface TakeOverEvent {
  readonly action: 'takeover';
  readonly job: string;
  readonly slot: string;
  readonly executionArn: string;
  readonly previousExecutionArn: string;
  readonly leaseSeconds: number;
}

export interface Holder {
  readonly executionArn: string;
  readonly slot: string;
  readonly acquiredAt: string;
}

export type Decision =
  | { readonly decision: 'run' }
  | { readonly decision: 'duplicate'; readonly slot: string }
  | { readonly decision: 'skip'; readonly holder: Holder }
  | { readonly decision: 'replace'; readonly holder: Holder };

export interface LeaseDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly sfn: SFNClient;
  readonly tableName: string;
  readonly now: () => Date;
}

/**
 * The duplicate-run check. Every decision rests on one conditional write, so two executions
 * started in the same second cannot both win: DynamoDB serialises writes to an item.
 *
 * 1. Claim the slot (the scheduled time): a second delivery of the same tick is a duplicate.
 * 2. `allow` runs now. Otherwise take the job's lease if it is free, expired or already ours.
 * 3. If another execution holds it, ask Step Functions whether that execution still runs:
 *    a lease left by an execution aborted by hand is taken over instead of waited out.
 */
export async function acquire(event: AcquireEvent, deps: LeaseDeps): Promise<Decision> {
  if (!(await claimSlot(event, deps))) return { decision: 'duplicate', slot: event.slot };
  if (event.concurrency === 'allow') return { decision: 'run' };

  const held = await putLease(event, deps, {
    condition: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :me',
    values: { ':now': epochSeconds(deps.now()), ':me': event.executionArn },
  });
  if (held === 'taken') return { decision: 'run' };

  // Held by someone else, twice at most: if the stale holder is replaced by a live one
  // between our read and our write, the second look sees the live one.
  let holder = held;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await isRunning(holder.executionArn, deps)) {
      return { decision: event.concurrency === 'replace' ? 'replace' : 'skip', holder };
    }
    const takeover = await putLease(event, deps, {
      condition: 'holder = :old',
      values: { ':old': holder.executionArn },
    });
    if (takeover === 'taken') return { decision: 'run' };
    holder = takeover;
  }
  return { decision: event.concurrency === 'replace' ? 'replace' : 'skip', holder };
}

/** After `replace` stopped the previous run: take its lease unless someone else already has. */
export async function takeOver(event: TakeOverEvent, deps: LeaseDeps): Promise<Decision> {
  const result = await putLease(event, deps, {
    condition: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :previous OR holder = :me',
    values: {
      ':now': epochSeconds(deps.now()),
      ':previous': event.previousExecutionArn,
      ':me': event.executionArn,
    },
  });
  return result === 'taken' ? { decision: 'run' } : { decision: 'skip', holder: result };
}

async function claimSlot(event: AcquireEvent, deps: LeaseDeps): Promise<boolean> {
  const now = deps.now();
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: {
          ...slotKey(event.job, event.slot),
          executionArn: event.executionArn,
          claimedAt: now.toISOString(),
          ttl: epochSeconds(now) + SLOT_CLAIM_SECONDS,
        },
        // Our own earlier claim counts: Step Functions may retry this Lambda.
        ConditionExpression: 'attribute_not_exists(pk) OR executionArn = :me',
        ExpressionAttributeValues: { ':me': event.executionArn },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Writes the lease if `condition` holds; otherwise returns the current holder. */
async function putLease(
  event: AcquireEvent | TakeOverEvent,
  deps: LeaseDeps,
  { condition, values }: { condition: string; values: Record<string, unknown> },
): Promise<'taken' | Holder> {
  const now = deps.now();
  const expiresAt = epochSeconds(now) + event.leaseSeconds;
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: {
          ...leaseKey(event.job),
          holder: event.executionArn,
          slot: event.slot,
          acquiredAt: now.toISOString(),
          expiresAt,
          ttl: expiresAt + LEASE_TTL_GRACE_SECONDS,
        },
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'taken';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const item = (error.Item ?? {}) as Record<string, { S?: string } | undefined>;
    return {
      executionArn: item['holder']?.S ?? 'unknown',
      slot: item['slot']?.S ?? 'unknown',
      acquiredAt: item['acquiredAt']?.S ?? 'unknown',
    };
  }
}

async function isRunning(executionArn: string, deps: LeaseDeps): Promise<boolean> {
  try {
    const { status } = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    // PENDING_REDRIVE and every terminal status leave nothing running under the lease.
    return status === 'RUNNING';
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return false;
    throw error;
  }
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
