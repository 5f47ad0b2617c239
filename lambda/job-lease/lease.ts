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

export type LeaseEvent = AcquireEvent | TakeOverEvent;

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
 * The duplicate-run check. Every decision rests on a conditional write, so two executions
 * started in the same second cannot both win: DynamoDB applies writes to one item one at a time.
 *
 * 1. Claim the slot (the scheduled time): a second delivery of the same tick is a duplicate.
 * 2. `allow` runs now. Otherwise take the job's lease if it is free, expired or already ours.
 * 3. If another execution holds it, ask Step Functions whether that execution still runs:
 *    a lease left by an execution aborted by hand is taken over instead of waited out.
 */
export async function acquire(event: AcquireEvent, deps: LeaseDeps): Promise<Decision> {
  if (!(await claimSlot(event, deps))) return { decision: 'duplicate', slot: event.slot };
  if (event.concurrency === 'allow') return { decision: 'run' };

  let holder = await putLease(event, deps, 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :me', {
    ':now': epochSeconds(deps.now()),
    ':me': event.executionArn,
  });
  // Two looks at most: losing the takeover means another start just wrote the lease, and that
  // one is judged once more rather than chased in a loop.
  for (let look = 0; holder !== 'taken' && look < 2; look++) {
    if (await isRunning(holder.executionArn, deps)) break;
    // Conditioned on the holder we judged, so a live newcomer is never overwritten. A lease
    // released in between (the old run finished after all) is free, so that counts too.
    holder = await putLease(event, deps, 'attribute_not_exists(pk) OR holder = :old', {
      ':old': holder.executionArn,
    });
  }
  if (holder === 'taken') return { decision: 'run' };
  return { decision: event.concurrency === 'replace' ? 'replace' : 'skip', holder };
}

/** After `replace` stopped the previous run: take its lease unless another run already has. */
export async function takeOver(event: TakeOverEvent, deps: LeaseDeps): Promise<Decision> {
  const holder = await putLease(
    event,
    deps,
    // `holder = :me`: a retried invocation finds its own earlier takeover.
    'attribute_not_exists(pk) OR expiresAt < :now OR holder = :previous OR holder = :me',
    { ':now': epochSeconds(deps.now()), ':previous': event.previousExecutionArn, ':me': event.executionArn },
  );
  return holder === 'taken' ? { decision: 'run' } : { decision: 'skip', holder };
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

/** Writes the lease if `condition` holds; otherwise returns the holder that made it fail. */
async function putLease(
  event: LeaseEvent,
  deps: LeaseDeps,
  condition: string,
  values: Record<string, string | number>,
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
        // The failure then carries the current holder: no second read, no read-to-write gap.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'taken';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return holderOf(error);
  }
}

/** The document client does not unmarshall `Item` on errors: it is in wire format. */
function holderOf(error: ConditionalCheckFailedException): Holder {
  const item = error.Item ?? {};
  const executionArn = item['holder']?.S;
  // Every condition above passes when the item is absent, so a failure always has one.
  if (!executionArn) throw new Error('job-lease: conditional write failed but returned no lease holder');
  return { executionArn, slot: item['slot']?.S ?? '', acquiredAt: item['acquiredAt']?.S ?? '' };
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
