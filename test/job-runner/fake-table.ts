import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

type Item = Record<string, unknown>;
type Values = Record<string, unknown>;

/**
 * The job table as DynamoDB behaves for the runner's writes: every write checks its condition
 * expression against the current item and applies atomically; a transaction writes all of
 * its items or none and says, per item, which condition failed (with the old item, in wire
 * format, when asked for ALL_OLD); a ConditionCheck item only checks. Conditions are `a OR b`
 * of `attribute_not_exists(pk)`, `<attribute> = :value` and `<attribute> <= :number`; anything
 * else fails the test instead of guessing.
 */
export class FakeTable {
  readonly items = new Map<string, Item>();
  /** Fails the next n transactions with an internal error before writing anything. */
  failTransactions = 0;
  /** Fails every put of a run record (RUN#...). */
  failRecordPuts = false;

  get(pk: string, sk: string): Item | undefined {
    return this.items.get(`${pk}|${sk}`);
  }

  /** TransactWriteItems with Put and ConditionCheck items, as the document client sends them. */
  transact(items: ({ Put: TransactPut } | { ConditionCheck: TransactCheck })[]) {
    const puts = items.map((item) =>
      'Put' in item
        ? { ...item.Put, write: true }
        : { ...item.ConditionCheck, Item: item.ConditionCheck.Key, write: false },
    );
    if (this.failTransactions > 0) {
      this.failTransactions--;
      throw Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
    }
    const reasons = puts.map((put) => {
      const old = this.items.get(keyOf(put.Item));
      if (holds(put.ConditionExpression, old, put.ExpressionAttributeValues)) return { Code: 'None' };
      return {
        Code: 'ConditionalCheckFailed',
        ...(put.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old ? { Item: wire(old) } : {}),
      };
    });
    if (reasons.some((r) => r.Code !== 'None')) {
      throw new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: reasons,
      });
    }
    for (const put of puts) if (put.write) this.items.set(keyOf(put.Item), put.Item);
    return {};
  }

  put(input: { Item: Item; ConditionExpression?: string; ExpressionAttributeValues?: Values }) {
    if (this.failRecordPuts && String(input.Item['pk']).startsWith('RUN#')) {
      throw Object.assign(new Error('Service unavailable'), { name: 'InternalServerError' });
    }
    this.check(input.ConditionExpression, this.items.get(keyOf(input.Item)), input.ExpressionAttributeValues);
    this.items.set(keyOf(input.Item), input.Item);
    return {};
  }

  delete(input: { Key: Item; ConditionExpression?: string; ExpressionAttributeValues?: Values }) {
    this.check(input.ConditionExpression, this.items.get(keyOf(input.Key)), input.ExpressionAttributeValues);
    this.items.delete(keyOf(input.Key));
    return {};
  }

  private check(condition: string | undefined, old: Item | undefined, values: Values | undefined) {
    if (!holds(condition, old, values)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
  }
}

interface Conditional {
  ConditionExpression?: string;
  ExpressionAttributeValues?: Values;
  ReturnValuesOnConditionCheckFailure?: string;
}
type TransactPut = Conditional & { Item: Item };
type TransactCheck = Conditional & { Key: Item };

const keyOf = (item: Item) => `${String(item['pk'])}|${String(item['sk'])}`;

function holds(condition: string | undefined, old: Item | undefined, values: Values = {}): boolean {
  if (!condition) return true;
  return condition.split(' OR ').some((clause) => {
    if (clause === 'attribute_not_exists(pk)') return old === undefined;
    const match = /^(\w+) (=|<=) (:\w+)$/.exec(clause);
    if (!match) throw new Error(`fake table: unsupported condition clause "${clause}"`);
    const [, attribute = '', operator, ref = ''] = match;
    if (!(ref in values)) throw new Error(`fake table: ${ref} has no value`);
    if (old === undefined) return false;
    if (operator === '=') return old[attribute] === values[ref];
    const [a, b] = [old[attribute], values[ref]];
    if (typeof a !== 'number' || typeof b !== 'number')
      throw new Error(`fake table: <= compares numbers only`);
    return a <= b;
  });
}

/** DynamoDB's wire format, as a cancellation reason carries the old item. */
const wire = (item: Item) =>
  Object.fromEntries(
    Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]),
  );
