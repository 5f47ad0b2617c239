import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ThreadStore } from './threads';
import type { Thread } from './storm';

const ddb = mockAws(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
beforeEach(() => ddb.reset());

const thread: Thread = {
  kind: 'failure',
  channel: 'C123',
  ts: '1732410000.000100',
  firstAt: '2026-11-23T16:05:00.000Z',
  lastAt: '2026-11-23T18:05:00.000Z',
  count: 25,
};

describe('open threads in the jobs table', () => {
  it('keeps a thread under NOTICE#<job>/<kind> until a day after its quiet window', async () => {
    ddb.on(PutCommand).resolves({});
    await new ThreadStore(client, 'sandbox-batch-jobs').put('nightly-report', thread);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      Item: {
        pk: 'NOTICE#nightly-report',
        sk: 'failure',
        ...thread,
        // lastAt + 6 h quiet + 24 h
        ttl: Date.parse('2026-11-25T00:05:00Z') / 1000,
      },
    });
    await new ThreadStore(client, 't', 60).put('a', thread);
    expect(ddb.commandCalls(PutCommand)[1]!.args[0].input.Item!['ttl']).toBe(
      Date.parse('2026-11-24T19:05:00Z') / 1000,
    );
  });

  it('reads it back consistently, and nothing when there is none', async () => {
    ddb
      .on(GetCommand, {
        Key: { pk: 'NOTICE#nightly-report', sk: 'failure' },
        ConsistentRead: true,
        TableName: 't',
      })
      .resolves({ Item: { pk: 'NOTICE#nightly-report', sk: 'failure', ...thread, ttl: 1 } })
      .on(GetCommand, { Key: { pk: 'NOTICE#other', sk: 'failure' } })
      .resolves({});
    const store = new ThreadStore(client, 't');
    expect(await store.get('nightly-report', 'failure')).toEqual(thread);
    expect(await store.get('other', 'failure')).toBeUndefined();
  });

  it('closes it', async () => {
    ddb.on(DeleteCommand).resolves({});
    await new ThreadStore(client, 't').close('nightly-report', 'failure');
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 't',
      Key: { pk: 'NOTICE#nightly-report', sk: 'failure' },
    });
  });
});
