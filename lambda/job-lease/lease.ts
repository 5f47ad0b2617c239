import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { JobRunnerInput } from '../../lib/schedule/runner-input';
import {
  LEASE_TTL_GRACE_SECONDS,
  SLOT_CLAIM_SECONDS,
  epochSeconds,
  leaseKey,
  pauseKey,
  slotKey,
} from './keys';

export interface Holder {
  readonly executionArn: string;
  readonly slot: string;
  readonly acquiredAt: string;
}

/** An operator's pause of a job, in force until `until`. */
export interface Pause {
  readonly reason: string;
  readonly by: string;
  readonly until: string;
}

/**
 * What the runner does next:
 * - `run`: this execution holds the slot (and, unless `allow`, the lease);
 * - `duplicate`: another execution already claimed this slot;
 * - `skip`: a live run holds the lease (`forbid`), or the takeover lost to a newcomer;
 * - `replace`: a live run holds the lease and the job says to replace it;
 * - `orphaned`: the holder is gone but its work may still run: stop it, then take over;
 * - `paused`: an operator paused the job; the slot is claimed as skipped.
 */
export type Decision =
  | { readonly decision: 'run'; readonly held: boolean }
  | { readonly decision: 'duplicate'; readonly held: false; readonly slot: string }
  | { readonly decision: 'paused'; readonly held: false; readonly pause: Pause }
  | {
      readonly decision: 'skip' | 'replace' | 'orphaned';
      readonly held: false;
      readonly holder: Holder;
      readonly holderStatus: string;
    };

export interface LeaseDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly sfn: SFNClient;
  readonly tableName: string;
  readonly now: () => Date;
}

/**
 * Statuses that confirm a holder is gone. Anything else — RUNNING, PENDING_REDRIVE (a redrive
 * will resume it), or a status this code does not know — counts as alive.
 */
const GONE = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'DOES_NOT_EXIST']);
const alive = (status: string) => !GONE.has(status);

/**
 * The duplicate-run check. The slot claim and the lease are one DynamoDB transaction, so
 * they are never half-written, and two executions started in the same second cannot both
 * win: DynamoDB serializes conditional writes to an item.
 *
 * The lease is taken only when free or already ours; a lease held by another execution is
 * taken over only after that execution is confirmed gone (`takeOver`), never because a
 * timer ran out — a run with retries may legitimately outlive any fixed duration.
 */
export async function begin(input: JobRunnerInput, executionArn: string, deps: LeaseDeps): Promise<Decision> {
  // The pause is checked in the claim's own transaction: a pause written a moment before the
  // claim always wins, and one written after it cannot stop a run that already started.
  if (input.job.concurrency === 'allow') {
    const claimed = await transact(deps, [
      pauseCheck(input, deps),
      slotPut(input, executionArn, deps, 'run'),
    ]);
    if (claimed === 'written') return { decision: 'run', held: false };
    return claimed === 'slot taken' ? duplicate(input) : paused(input, executionArn, claimed, deps);
  }
  const written = await transact(deps, [
    pauseCheck(input, deps),
    slotPut(input, executionArn, deps, 'run'),
    leasePut(input, executionArn, deps, 'attribute_not_exists(pk) OR holder = :me', { ':me': executionArn }),
  ]);
  if (written === 'written') return { decision: 'run', held: true };
  if (written === 'slot taken') return duplicate(input);
  if ('pause' in written) return paused(input, executionArn, written, deps);
  const { holder } = written;
  const holderStatus = await statusOf(holder.executionArn, deps);
  if (!alive(holderStatus)) return { decision: 'orphaned', held: false, holder, holderStatus };
  if (input.job.concurrency === 'replace') return { decision: 'replace', held: false, holder, holderStatus };
  return skip(input, executionArn, holder, holderStatus, deps);
}

/**
 * After the runner stopped the previous holder (`replace`) or its orphaned work: take the
 * lease, on condition that it is still that holder's (or free, or already ours).
 */
export async function takeOver(
  input: JobRunnerInput,
  executionArn: string,
  previousExecutionArn: string,
  deps: LeaseDeps,
): Promise<Decision> {
  const previousStatus = await statusOf(previousExecutionArn, deps);
  const previous = { executionArn: previousExecutionArn, slot: '', acquiredAt: '' };
  // StopExecution failed or a redrive resumed it: never run beside it.
  if (alive(previousStatus)) return skip(input, executionArn, previous, previousStatus, deps);
  const written = await transact(deps, [
    slotPut(input, executionArn, deps, 'run'),
    leasePut(input, executionArn, deps, 'attribute_not_exists(pk) OR holder = :previous OR holder = :me', {
      ':previous': previousExecutionArn,
      ':me': executionArn,
    }),
  ]);
  if (written === 'written') return { decision: 'run', held: true };
  if (written === 'slot taken') return duplicate(input);
  const holder = heldBy(written);
  const holderStatus = await statusOf(holder.executionArn, deps);
  return skip(input, executionArn, holder, holderStatus, deps);
}

/**
 * A redriven execution resumes where it stopped, possibly in the middle of running the job,
 * without knowing whether it still holds the lease. It may go on only if it holds the lease
 * again: free, already its own, or left by a holder that is gone.
 */
export async function reacquire(
  input: JobRunnerInput,
  executionArn: string,
  deps: LeaseDeps,
): Promise<'no lease needed' | 're-acquired' | { refused: Holder }> {
  if (input.job.concurrency === 'allow') return 'no lease needed';
  const written = await transact(deps, [
    leasePut(input, executionArn, deps, 'attribute_not_exists(pk) OR holder = :me', { ':me': executionArn }),
  ]);
  if (written === 'written') return 're-acquired';
  const holder = heldBy(written);
  if (alive(await statusOf(holder.executionArn, deps))) return { refused: holder };
  const again = await transact(deps, [
    leasePut(input, executionArn, deps, 'attribute_not_exists(pk) OR holder = :old', {
      ':old': holder.executionArn,
    }),
  ]);
  return again === 'written' ? 're-acquired' : { refused: heldBy(again) };
}

const duplicate = (input: JobRunnerInput): Decision => ({
  decision: 'duplicate',
  held: false,
  slot: input.slot,
});

/** A paused job's slot is claimed as paused: a second delivery of it is a duplicate. */
async function paused(
  input: JobRunnerInput,
  executionArn: string,
  refusal: Refusal,
  deps: LeaseDeps,
): Promise<Decision> {
  if (refusal === 'slot taken' || !('pause' in refusal)) {
    throw new Error('job-lease: expected a pause to refuse the claim');
  }
  const claimed = await transact(deps, [slotPut(input, executionArn, deps, 'paused')]);
  if (claimed !== 'written') return duplicate(input);
  return { decision: 'paused', held: false, pause: refusal.pause };
}

/** A skipped slot is claimed too, so a second delivery of it is a duplicate, not a second skip. */
async function skip(
  input: JobRunnerInput,
  executionArn: string,
  holder: Holder,
  holderStatus: string,
  deps: LeaseDeps,
): Promise<Decision> {
  const claimed = await transact(deps, [slotPut(input, executionArn, deps, 'skipped')]);
  if (claimed !== 'written') return duplicate(input);
  return { decision: 'skip', held: false, holder, holderStatus };
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Put = TransactItem & { Put: Record<string, unknown> };
type Check = TransactItem & { ConditionCheck: Record<string, unknown> };
/**
 * Why a transaction was refused: the slot is claimed already, the job is paused, or the
 * lease is held by `holder`.
 */
type Refusal = 'slot taken' | { readonly pause: Pause } | { readonly holder: Holder };

/** A transaction without a slot or pause item can be refused by the lease only. */
function heldBy(refusal: Refusal): Holder {
  if (refusal === 'slot taken' || !('holder' in refusal)) {
    throw new Error('job-lease: a lease transaction was refused by something other than the lease');
  }
  return refusal.holder;
}

/** Refuses the claim while a pause is in force; an expired pause item is ignored. */
function pauseCheck(input: JobRunnerInput, deps: LeaseDeps): Check {
  return {
    ConditionCheck: {
      TableName: deps.tableName,
      Key: pauseKey(input.job.name),
      ConditionExpression: 'attribute_not_exists(pk) OR untilEpoch <= :now',
      ExpressionAttributeValues: { ':now': epochSeconds(deps.now()) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

function slotPut(input: JobRunnerInput, executionArn: string, deps: LeaseDeps, outcome: string): Put {
  const now = deps.now();
  return {
    Put: {
      TableName: deps.tableName,
      Item: {
        ...slotKey(input.job.name, input.slot),
        executionArn,
        outcome,
        claimedAt: now.toISOString(),
        ttl: epochSeconds(now) + SLOT_CLAIM_SECONDS,
      },
      // Our own earlier claim counts: Step Functions may retry this Lambda.
      ConditionExpression: 'attribute_not_exists(pk) OR executionArn = :me',
      ExpressionAttributeValues: { ':me': executionArn },
    },
  };
}

function leasePut(
  input: JobRunnerInput,
  executionArn: string,
  deps: LeaseDeps,
  condition: string,
  values: Record<string, string>,
): Put {
  const now = deps.now();
  const expiresAt = epochSeconds(now) + input.job.leaseSeconds;
  return {
    Put: {
      TableName: deps.tableName,
      Item: {
        ...leaseKey(input.job.name),
        holder: executionArn,
        slot: input.slot,
        acquiredAt: now.toISOString(),
        expiresAt,
        ttl: expiresAt + LEASE_TTL_GRACE_SECONDS,
      },
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
      // The cancellation then carries the current holder: no second read, no read-to-write gap.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Writes all or nothing; on a failed condition, says which item refused and who holds the lease. */
async function transact(deps: LeaseDeps, items: (Put | Check)[]): Promise<'written' | Refusal> {
  try {
    await deps.ddb.send(new TransactWriteCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    // Only failed conditions are decisions; a conflict with another transaction is retried.
    if (!reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw error;
    const pkOf = (i: number) => {
      const item = items[i];
      const key = item?.Put ? item.Put['Item'] : item?.ConditionCheck?.['Key'];
      return String((key as { pk?: string } | undefined)?.pk);
    };
    const failed = (prefix: string) =>
      reasons.find((r, i) => r.Code === 'ConditionalCheckFailed' && pkOf(i).startsWith(prefix));
    if (failed('SLOT#')) return 'slot taken';
    // The document client leaves `Item` of a cancellation reason in wire format.
    const pause = failed('PAUSE#')?.Item;
    if (pause) {
      return {
        pause: {
          reason: pause['reason']?.S ?? '',
          by: pause['by']?.S ?? 'unknown',
          until: pause['until']?.S ?? '',
        },
      };
    }
    const item = failed('LEASE#')?.Item ?? {};
    const executionArn = item['holder']?.S;
    if (!executionArn)
      throw new Error('job-lease: lease condition failed but no holder was returned', { cause: error });
    return { holder: { executionArn, slot: item['slot']?.S ?? '', acquiredAt: item['acquiredAt']?.S ?? '' } };
  }
}

/** The holder's execution status; an execution Step Functions no longer knows is gone. */
async function statusOf(executionArn: string, deps: LeaseDeps): Promise<string> {
  try {
    const { status } = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return status ?? 'UNKNOWN'; // not confirmed gone
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return 'DOES_NOT_EXIST';
    throw error;
  }
}
