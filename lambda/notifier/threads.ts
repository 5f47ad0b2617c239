import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { epochSeconds, noticeKey } from '../job-lease/keys';
import { DEFAULT_QUIET_MINUTES, type NoticeKind, type Thread } from './storm';

/**
 * Open threads in the jobs table. An item outlives its quiet window by a day and then
 * expires (TTL), so a job that stopped failing without ever succeeding leaves nothing behind.
 */
export class ThreadStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly quietMinutes = DEFAULT_QUIET_MINUTES,
  ) {}

  async get(job: string, kind: NoticeKind): Promise<Thread | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: noticeKey(job, kind), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      kind,
      channel: String(Item.channel),
      ts: String(Item.ts),
      firstAt: String(Item.firstAt),
      lastAt: String(Item.lastAt),
      count: Number(Item.count),
    };
  }

  async put(job: string, thread: Thread): Promise<void> {
    const expires = new Date(Date.parse(thread.lastAt) + (this.quietMinutes + 24 * 60) * 60_000);
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...noticeKey(job, thread.kind), ...thread, ttl: epochSeconds(expires) },
      }),
    );
  }

  async close(job: string, kind: NoticeKind): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.tableName, Key: noticeKey(job, kind) }));
  }
}
