import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  type BatchGetCommandInput,
  type DeleteCommandInput,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { mockAws } from './aws-mock';

type Item = Record<string, unknown> & { pk: string; sk: string };

/**
 * The jobs table as a map, behind a DynamoDB document-client mock: BatchGetItem (with an
 * optional first answer that leaves keys unprocessed), PutItem honouring
 * `attribute_not_exists(pk)`, DeleteItem. Enough for code that reads and marks items, so a
 * test can run it twice and see what the first run left behind.
 */
export class FakeJobsTable {
  readonly items = new Map<string, Item>();
  /** Keys the next BatchGetItem leaves unprocessed, once. */
  unprocessedOnce = 0;
  /** Every BatchGetItem leaves every key unprocessed (sustained throttling). */
  alwaysUnprocessed = false;
  batchGets = 0;

  put(item: Item): void {
    this.items.set(`${item.pk}|${item.sk}`, item);
  }

  get(pk: string, sk: string): Item | undefined {
    return this.items.get(`${pk}|${sk}`);
  }

  keys(prefix: string): string[] {
    return [...this.items.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  attach(mock: ReturnType<typeof mockAws>): void {
    mock.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      this.batchGets++;
      const [table, request] = Object.entries(input.RequestItems ?? {})[0]!;
      const keys = (request.Keys ?? []) as { pk: string; sk: string }[];
      if (keys.length > 100) throw new Error('BatchGetItem takes at most 100 keys');
      const left = this.alwaysUnprocessed ? keys : keys.slice(0, this.unprocessedOnce);
      this.unprocessedOnce = 0;
      const served = keys.slice(left.length);
      return {
        Responses: { [table]: served.map((k) => this.get(k.pk, k.sk)).filter(Boolean) },
        UnprocessedKeys: left.length > 0 ? { [table]: { Keys: left } } : {},
      };
    });
    mock.on(PutCommand).callsFake((input: PutCommandInput) => {
      const item = input.Item as Item;
      if (input.ConditionExpression === 'attribute_not_exists(pk)' && this.get(item.pk, item.sk)) {
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
        });
      }
      this.put(item);
      return {};
    });
    mock.on(DeleteCommand).callsFake((input: DeleteCommandInput) => {
      const key = input.Key as { pk: string; sk: string };
      this.items.delete(`${key.pk}|${key.sk}`);
      return {};
    });
  }
}
