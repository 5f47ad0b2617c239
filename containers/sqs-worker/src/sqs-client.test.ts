import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sqsClient } from './sqs-client';

/**
 * The real SDK client against a local server speaking SQS's JSON protocol: the settings that
 * matter only show in how the SDK behaves, not in its config object.
 */
const servers: http.Server[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  answer: (res: http.ServerResponse) => void,
): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      answer(res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

function client(url: string) {
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', url);
  vi.stubEnv('AWS_REGION', 'ap-northeast-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  return sqsClient(1);
}

describe('sqsClient', () => {
  it('returns a batch with a corrupt member whole, for the worker to check message by message', async () => {
    const good = '{"eventId":"e-1"}';
    const { url } = await serve((res) => {
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(
        JSON.stringify({
          Messages: [
            {
              MessageId: 'a',
              ReceiptHandle: 'rh-a',
              Body: good,
              MD5OfBody: createHash('md5').update(good).digest('hex'),
            },
            { MessageId: 'b', ReceiptHandle: 'rh-b', Body: good, MD5OfBody: '0'.repeat(32) },
          ],
        }),
      );
    });
    const out = await client(url).send(new ReceiveMessageCommand({ QueueUrl: `${url}/1/q` }));
    expect(out.Messages?.map((m) => m.MessageId)).toEqual(['a', 'b']);
  });

  it('gives up on a request that gets no answer, instead of waiting forever', async () => {
    const { url, requests } = await serve(() => undefined); // accepts, never answers
    const sqs = client(url);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const outcome = sqs.send(new ReceiveMessageCommand({ QueueUrl: `${url}/1/q`, WaitTimeSeconds: 1 })).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    let settled = false;
    void outcome.finally(() => (settled = true));
    let elapsedMs = 0;
    while (!settled && elapsedMs < 120_000) {
      await vi.advanceTimersByTimeAsync(1_000);
      elapsedMs += 1_000;
      await new Promise((resolve) => setImmediate(resolve)); // real I/O: let a retry reach the server
    }
    // The SDK's three attempts, each a 1 s long poll plus the 5 s margin, with back-off between.
    expect(requests()).toBe(3);
    expect(elapsedMs).toBeGreaterThanOrEqual(18_000);
    expect(elapsedMs).toBeLessThan(60_000);
    await expect(outcome).resolves.toBe('TimeoutError');
  });
});
