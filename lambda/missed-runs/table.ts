import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

export interface Key {
  readonly pk: string;
  readonly sk: string;
}
type Item = Record<string, unknown> & Key;

export interface TableDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Waits before retrying unprocessed keys; injected so tests do not sleep. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** BatchGetItem takes at most 100 keys a call. */
export const BATCH_GET_MAX = 100;
const UNPROCESSED_ATTEMPTS = 8;

const id = (key: Key) => `${key.pk}\u0000${key.sk}`;

/**
 * Reads `keys` in calls of 100, retrying what DynamoDB leaves unprocessed (throttling, the
 * 16 MB response limit) with backoff. Returns the items found by key; keys still unprocessed
 * after the retries are an error, because "not found" would read as "not claimed" and alert.
 */
export async function batchGet(keys: readonly Key[], deps: TableDeps): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const unique = [...new Map(keys.map((k) => [id(k), { pk: k.pk, sk: k.sk }])).values()];
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
    let pending: Key[] = unique.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === UNPROCESSED_ATTEMPTS) {
        throw new Error(
          `missed-runs: ${pending.length} key(s) stayed unprocessed after ${attempt} BatchGetItem calls`,
        );
      }
      if (attempt > 0) await deps.sleep(Math.min(2000, 50 * 2 ** attempt));
      const out = await deps.ddb.send(
        new BatchGetCommand({ RequestItems: { [deps.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of (out.Responses?.[deps.tableName] ?? []) as Item[]) found.set(id(item), item);
      pending = (out.UnprocessedKeys?.[deps.tableName]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

export const has = (items: Map<string, Item>, key: Key) => items.has(id(key));
export const get = (items: Map<string, Item>, key: Key) => items.get(id(key));

/** Writes `item` unless its key exists: `true` when this call wrote it. */
export async function putOnce(item: Item, deps: TableDeps): Promise<boolean> {
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Lets the next run alert again after EventBridge refused the alert. */
export async function release(key: Key, deps: TableDeps): Promise<void> {
  await deps.ddb.send(new DeleteCommand({ TableName: deps.tableName, Key: key }));
}
