import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { getEventListeners } from 'node:events';
import { mockAws } from '../../../test/support/aws-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { webhookRelay } from './handlers/webhook-relay';
import { RECEIVE_RETRY_MS, Worker, type Handler } from './worker';

const sqsMock = mockAws(SQSClient);
const sqs = new SQSClient({ region: 'ap-northeast-1' });
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const msg = (id: string): Message => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: `{"id":"${id}"}` });
const deleted = () => sqsMock.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle);

/** Answers the first receive with `batch`, then long-polls until aborted, as SQS does. */
function queueWith(batch: Message[]) {
  let served = false;
  sqsMock.on(ReceiveMessageCommand).callsFake(() => {
    if (!served) {
      served = true;
      return { Messages: batch };
    }
    return new Promise(() => undefined);
  });
}

function worker(handler: Handler, overrides: Partial<ConstructorParameters<typeof Worker>[0]> = {}) {
  return new Worker({
    sqs,
    queueUrl: 'https://sqs/q',
    handler,
    log,
    visibilityTimeoutSeconds: 60,
    ...overrides,
  });
}

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(DeleteMessageCommand).resolves({});
  sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  vi.clearAllMocks();
});
afterEach(() => vi.useRealTimers());

describe('Worker', () => {
  it('deletes a message only after its handler succeeds, and a failed one not at all', async () => {
    queueWith([msg('ok'), msg('bad')]);
    const w = worker((body) =>
      body.includes('bad') ? Promise.reject(new Error('target answered 500')) : Promise.resolve(),
    );
    const running = w.run();
    await vi.waitFor(() => expect(log.error).toHaveBeenCalled());
    await w.stop();
    await running;
    expect(deleted()).toEqual(['rh-ok']);
    expect(log.error).toHaveBeenCalledWith(
      'message failed; left for redelivery',
      expect.objectContaining({ id: 'bad' }),
    );
  });

  it('on SIGTERM: stops polling, lets in-flight work finish, deletes it once, and returns', async () => {
    queueWith([msg('a'), msg('b')]);
    const release: (() => void)[] = [];
    const w = worker(() => new Promise<void>((resolve) => release.push(resolve)));
    const running = w.run();
    await vi.waitFor(() => expect(release).toHaveLength(2));

    const stopping = w.stop();
    const receivesAtStop = sqsMock.commandCalls(ReceiveMessageCommand).length;
    release.forEach((r) => r());
    await stopping;
    await running;

    expect(deleted().sort()).toEqual(['rh-a', 'rh-b']);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(receivesAtStop); // no poll after SIGTERM
  });

  it('abandons work still running when the grace period ends: nothing deleted, done before SIGKILL at 120 s', async () => {
    vi.useFakeTimers();
    queueWith([msg('slow'), msg('stuck')]);
    const w = worker(
      (body, signal) =>
        new Promise<void>((_resolve, reject) => {
          // "slow" honours the abort; "stuck" ignores it entirely.
          if (body.includes('slow')) signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    const running = w.run();
    await vi.waitFor(() =>
      expect(sqsMock.commandCalls(ReceiveMessageCommand).length).toBeGreaterThanOrEqual(1),
    );
    await vi.advanceTimersByTimeAsync(0);

    let done = false;
    void w.stop().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(99_000);
    expect(done).toBe(false); // still inside the grace period
    await vi.advanceTimersByTimeAsync(11_500); // grace (100 s) + abandon wait (10 s)
    expect(done).toBe(true);
    await running;

    expect(deleted()).toEqual([]); // SQS will deliver both again after their visibility timeout
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('abandoning'), { abandoned: 2 });
  });

  it('keeps a long message invisible by extending its visibility while it runs', async () => {
    vi.useFakeTimers();
    queueWith([msg('long')]);
    let finish!: () => void;
    const w = worker(() => new Promise<void>((resolve) => (finish = resolve)));
    const running = w.run();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(95_000); // visibility 60 s: extended at 30, 60, 90 s
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual(
      Array(3).fill({ QueueUrl: 'https://sqs/q', ReceiptHandle: 'rh-long', VisibilityTimeout: 60 }),
    );
    finish();
    await vi.advanceTimersByTimeAsync(0);
    await w.stop();
    await running;
    expect(deleted()).toEqual(['rh-long']);
  });
  it('abandons by the deadline even when every slot holds a handler that never settles', async () => {
    vi.useFakeTimers();
    queueWith([msg('stuck')]);
    const w = worker(() => new Promise<void>(() => undefined), { concurrency: 1 });
    const running = w.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1); // the only slot is busy

    let exited = false;
    void Promise.all([w.stop(), running]).then(() => (exited = true));
    await vi.advanceTimersByTimeAsync(115_000);
    expect(exited).toBe(true); // ECS would SIGKILL at 120 s
    expect(deleted()).toEqual([]);
  });

  it('leaves a message whose body fails validation for redrive, and logs why', async () => {
    const target = vi.fn(() => Promise.resolve(new Response(null, { status: 200 })));
    const valid = { eventId: 'e-1', type: 'order.created', payload: {} };
    queueWith([
      { MessageId: 'good', ReceiptHandle: 'rh-good', Body: JSON.stringify(valid) },
      {
        MessageId: 'bad',
        ReceiptHandle: 'rh-bad',
        Body: '{"type":"order.created"}',
        Attributes: { ApproximateReceiveCount: '2' },
      },
    ]);
    const w = worker(webhookRelay({ targetUrl: 'https://t/hook', token: 't', fetch: target }));
    const running = w.run();
    await vi.waitFor(() => expect(log.error).toHaveBeenCalled());
    await vi.waitFor(() => expect(deleted()).toEqual(['rh-good']));
    await w.stop();
    await running;

    expect(deleted()).toEqual(['rh-good']);
    expect(target).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledWith(
      'message failed; left for redelivery',
      expect.objectContaining({
        id: 'bad',
        receiveCount: '2',
        error: expect.stringContaining('eventId') as unknown,
      }),
    );
  });

  it('survives a failed delete: logs it, keeps polling, and deletes nothing twice', async () => {
    queueWith([msg('a'), msg('b')]);
    sqsMock.on(DeleteMessageCommand, { ReceiptHandle: 'rh-a' }).rejects(new Error('ReceiptHandleIsInvalid'));
    const w = worker(() => Promise.resolve());
    const running = w.run();
    await vi.waitFor(() => expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(2));
    await w.stop();
    await running;

    expect(deleted().sort()).toEqual(['rh-a', 'rh-b']);
    expect(log.error).toHaveBeenCalledWith(
      'processed, but delete failed; SQS will deliver it again',
      expect.objectContaining({ id: 'a' }),
    );
  });

  it('retries a failed receive after a pause instead of exiting', async () => {
    vi.useFakeTimers();
    let calls = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('throttled')) : new Promise(() => undefined);
    });
    const w = worker(() => Promise.resolve());
    const running = w.run();
    await vi.advanceTimersByTimeAsync(RECEIVE_RETRY_MS - 1);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await w.stop();
    await running;
  });

  it('does not pile up abort listeners over a long idle life', async () => {
    let polls = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => {
      polls += 1;
      return polls <= 50 ? Promise.resolve({}) : new Promise(() => undefined);
    });
    const w = worker(() => Promise.resolve());
    const running = w.run();
    await vi.waitFor(() => expect(polls).toBe(51));
    const options = (sqsMock.commandCalls(ReceiveMessageCommand).at(-1)!.args as unknown[])[1] as {
      abortSignal: AbortSignal;
    };
    // One listener for the poll in progress; 50 finished polls must have removed theirs.
    expect(getEventListeners(options.abortSignal, 'abort')).toHaveLength(1);
    await w.stop();
    await running;
  });
});
