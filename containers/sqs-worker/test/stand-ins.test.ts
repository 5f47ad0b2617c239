import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { describe, it, type TestContext } from 'vitest';
import { SqsStandIn, type SqsStandInOptions } from './sqs-stand-in';
import { TargetStandIn } from './target-stand-in';

/**
 * The stand-ins the worker scenarios trust, checked with the real SDK client: if the queue's
 * semantics were wrong here, every scenario's counts would be too.
 */
type Cleanup = TestContext['onTestFinished'];

async function queue(cleanup: Cleanup, options: SqsStandInOptions = {}, client: { md5?: false } = {}) {
  const sqs = await SqsStandIn.start(options);
  cleanup(() => sqs.close());
  const sdk = new SQSClient({
    region: 'ap-northeast-1',
    endpoint: sqs.endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    ...client,
  });
  cleanup(() => sdk.destroy());
  const receive = (input: Partial<ReceiveMessageCommandInput> = {}, abortSignal?: AbortSignal) =>
    sdk.send(
      new ReceiveMessageCommand({
        QueueUrl: sqs.queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        ...input,
      }),
      { abortSignal },
    );
  return { sqs, sdk, receive };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.concurrent('SqsStandIn (with the real SDK client)', () => {
  it('answers a long poll as soon as a message arrives, and an idle one after its wait', async ({
    onTestFinished,
    expect,
  }) => {
    const { sqs, receive } = await queue(onTestFinished);
    const started = Date.now();
    const idle = await receive({ WaitTimeSeconds: 1 });
    expect(idle.Messages).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const polling = receive({ WaitTimeSeconds: 5 });
    await sleep(200);
    const id = sqs.send('{"eventId":"e-1"}');
    const sentAt = Date.now();
    const answer = await polling;
    expect(Date.now() - sentAt).toBeLessThan(500);
    expect(answer.Messages).toEqual([
      expect.objectContaining({
        MessageId: id,
        Body: '{"eventId":"e-1"}',
        Attributes: { ApproximateReceiveCount: '1' },
      }),
    ]);
  });

  it('honours MaxNumberOfMessages and hides received messages until their visibility runs out', async ({
    onTestFinished,
    expect,
  }) => {
    const { sqs, receive } = await queue(onTestFinished, { visibilityTimeoutSeconds: 30 });
    for (let i = 0; i < 4; i++) sqs.send(`body-${i}`);
    expect((await receive({ MaxNumberOfMessages: 3 })).Messages?.map((m) => m.Body)).toEqual([
      'body-0',
      'body-1',
      'body-2',
    ]);
    const second = await receive({ VisibilityTimeout: 1 });
    expect(second.Messages?.map((m) => m.Body)).toEqual(['body-3']);
    expect((await receive()).Messages).toBeUndefined();

    // The per-request 1 s overrides the queue's 30 s; a long poll wakes when it runs out.
    const again = await receive({ WaitTimeSeconds: 5 });
    expect(again.Messages?.map((m) => m.Body)).toEqual(['body-3']);
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(again.Messages?.[0]?.ReceiptHandle).not.toBe(second.Messages?.[0]?.ReceiptHandle);
  });

  it('accepts only the latest receipt handle and records stale ones', async ({ onTestFinished, expect }) => {
    const { sqs, sdk, receive } = await queue(onTestFinished);
    const id = sqs.send('body');
    const first = (await receive({ VisibilityTimeout: 1 })).Messages?.[0]?.ReceiptHandle;
    await sleep(1_100);
    const latest = (await receive()).Messages?.[0]?.ReceiptHandle;

    const stale = sdk.send(new DeleteMessageCommand({ QueueUrl: sqs.queueUrl, ReceiptHandle: first }));
    await expect(stale).rejects.toMatchObject({
      name: 'ReceiptHandleIsInvalid',
      $metadata: { httpStatusCode: 400 },
    });
    expect(sqs.staleHandles).toEqual([
      expect.objectContaining({ action: 'DeleteMessage', id, receiptHandle: first }),
    ]);

    await sdk.send(new DeleteMessageCommand({ QueueUrl: sqs.queueUrl, ReceiptHandle: latest }));
    expect(sqs.deleted.map((d) => d.id)).toEqual([id]);
    expect(sqs.remaining).toEqual([]);
  });

  it('extends visibility on ChangeMessageVisibility, and fails it with a 500 InternalError when told to', async ({
    onTestFinished,
    expect,
  }) => {
    const { sqs, sdk, receive } = await queue(onTestFinished);
    sqs.send('body');
    const handle = (await receive({ VisibilityTimeout: 1 })).Messages?.[0]?.ReceiptHandle;
    await sdk.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: sqs.queueUrl,
        ReceiptHandle: handle,
        VisibilityTimeout: 3,
      }),
    );
    await sleep(1_200);
    expect((await receive()).Messages).toBeUndefined();

    sqs.failChangeVisibility(true);
    const failing = sdk.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: sqs.queueUrl,
        ReceiptHandle: handle,
        VisibilityTimeout: 3,
      }),
    );
    await expect(failing).rejects.toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(sqs.callsOf('ChangeMessageVisibility').map((c) => c.status)).toEqual([200, 500]);
  });

  it('moves a message received maxReceiveCount times to the dead letters instead of delivering it', async ({
    onTestFinished,
    expect,
  }) => {
    const { sqs, receive } = await queue(onTestFinished, { maxReceiveCount: 2 });
    const id = sqs.send('poison');
    for (let i = 1; i <= 2; i++) {
      expect(
        (await receive({ VisibilityTimeout: 1 })).Messages?.[0]?.Attributes?.ApproximateReceiveCount,
      ).toBe(String(i));
      await sleep(1_050);
    }
    expect((await receive()).Messages).toBeUndefined();
    expect(sqs.deadLettered.map((m) => m.id)).toEqual([id]);
    expect(sqs.remaining).toEqual([]);
  });

  it('corrupts the MD5 of the chosen messages, every time, which the SDK rejects', async ({
    onTestFinished,
    expect,
  }) => {
    const { sqs, receive } = await queue(onTestFinished, { visibilityTimeoutSeconds: 1 });
    sqs.send('good');
    const bad = sqs.send('bad');
    sqs.corruptMd5([bad]);
    await expect(receive()).rejects.toThrow(`Invalid MD5 checksum on messages: ${bad}`);

    const unchecked = await queue(onTestFinished, {}, { md5: false });
    unchecked.sqs.send('good');
    const badAgain = unchecked.sqs.send('bad');
    unchecked.sqs.corruptMd5((m) => m.body === 'bad');
    const messages = (await unchecked.receive()).Messages ?? [];
    expect(messages.map((m) => m.MD5OfBody)).toEqual([
      '755f85c2723bb39381c7379a604160d8', // md5("good")
      expect.not.stringMatching('bae60998ffe4923b131e3d6e4c19993e'), // not md5("bad")
    ]);
    expect(unchecked.sqs.deliveries.map((d) => [d.id === badAgain, d.corruptMd5])).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  it('leaves a hung receive unanswered and records when the client gives up on it', async ({
    onTestFinished,
    expect,
  }) => {
    const { sqs, receive } = await queue(onTestFinished);
    sqs.hangReceives(1);
    sqs.send('body');
    const controller = new AbortController();
    const hung = receive({ WaitTimeSeconds: 1 }, controller.signal);
    await sleep(1_500); // past the long poll's wait: still no answer
    controller.abort();
    await expect(hung).rejects.toThrow();
    await expect.poll(() => sqs.callsOf('ReceiveMessage')[0]?.abandonedAt).toBeDefined();
    const call = sqs.callsOf('ReceiveMessage')[0];
    expect(call?.hung).toBe(true);
    expect(call?.answeredAt).toBeUndefined();
    // The message was never handed to the hung receive.
    expect((await receive()).Messages?.map((m) => m.Body)).toEqual(['body']);
  });
});

describe.concurrent('TargetStandIn', () => {
  it('answers after the delay, sees a client abort, and counts overlapping copies of one event', async ({
    onTestFinished,
    expect,
  }) => {
    const target = await TargetStandIn.start(({ attempt }) =>
      attempt === 1 ? { status: 204, delayMs: 300 } : 'hang',
    );
    onTestFinished(() => target.close());
    const post = (signal?: AbortSignal) =>
      fetch(target.url, { method: 'POST', body: JSON.stringify({ eventId: 'e-1' }), signal });

    const controller = new AbortController();
    const first = post();
    await sleep(100);
    const second = post(controller.signal); // overlaps the first, then is abandoned
    expect((await first).status).toBe(204);
    controller.abort();
    await expect(second).rejects.toThrow();
    await expect.poll(() => target.requests[1]?.outcome).toBe('aborted by client');

    expect(target.requests).toMatchObject([
      { eventId: 'e-1', attempt: 1, outcome: 'answered', status: 204 },
      { eventId: 'e-1', attempt: 2, outcome: 'aborted by client' },
    ]);
    expect(target.stats().get('e-1')).toEqual({ deliveries: 2, maxConcurrentCopies: 2, completed: 1 });
  });
});
