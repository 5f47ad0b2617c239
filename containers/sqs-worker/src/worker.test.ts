import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { mockAws } from '../../../test/support/aws-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { webhookRelay } from './handlers/webhook-relay';
import {
  DeadlineExceeded,
  GAUGE_INTERVAL_MS,
  RECEIVE_RETRY_MS,
  RECEIVE_WATCHDOG_MARGIN_MS,
  Worker,
  type Handler,
} from './worker';

const sqsMock = mockAws(SQSClient);
const sqs = new SQSClient({ region: 'ap-northeast-1' });
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const metrics = vi.fn();
const md5 = (body: string) => createHash('md5').update(body).digest('hex');
/** A message as SQS returns it, with the MD5 of its body. */
const withBody = (id: string, Body: string, extra: Partial<Message> = {}): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body,
  MD5OfBody: md5(Body),
  ...extra,
});
const msg = (id: string) => withBody(id, `{"id":"${id}"}`);
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
    metrics,
    visibilityTimeoutSeconds: 600,
    maxProcessingSeconds: 500,
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
      expect.objectContaining({ event: 'message-failed', id: 'bad', error: 'target answered 500' }),
    );
    expect(log.info).toHaveBeenCalledWith('message done', {
      event: 'message-done',
      id: 'ok',
      ms: expect.any(Number) as unknown,
    });
    expect(log.info).toHaveBeenCalledWith('stopping: no more polling', { inFlight: 0, graceMs: 100_000 });
  });

  it('reuses a slot as soon as its message is done, without piling up listeners', async () => {
    let receives = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => {
      receives += 1;
      return receives <= 20 ? { Messages: [msg(`m${receives}`)] } : new Promise(() => undefined);
    });
    const w = worker(() => Promise.resolve(), { concurrency: 1 });
    const running = w.run();
    await vi.waitFor(() => expect(deleted()).toHaveLength(20));
    const internals = w as unknown as { polling: AbortController; abandon: AbortController };
    expect(getEventListeners(internals.polling.signal, 'abort')).toHaveLength(1); // the poll in progress
    expect(getEventListeners(internals.abandon.signal, 'abort')).toHaveLength(0);
    await w.stop();
    await running;
  });

  it('stops once however often it is told to, and reports nothing after it stopped', async () => {
    vi.useFakeTimers();
    sqsMock.on(ReceiveMessageCommand).callsFake(() => new Promise(() => undefined));
    const w = worker(() => Promise.resolve());
    const running = w.run();
    await vi.advanceTimersByTimeAsync(0);
    const first = w.stop();
    expect(w.stop()).toBe(first);
    await first;
    await running;
    expect(log.info).toHaveBeenCalledTimes(1);
    metrics.mockClear();
    await vi.advanceTimersByTimeAsync(10 * GAUGE_INTERVAL_MS);
    expect(metrics).not.toHaveBeenCalled();
  });

  it('works without a metrics sink', async () => {
    vi.useFakeTimers();
    queueWith([{ ...msg('x'), MD5OfBody: md5('other') }, msg('y')]);
    const w = worker(() => Promise.resolve(), { metrics: undefined });
    const running = w.run();
    await vi.advanceTimersByTimeAsync(GAUGE_INTERVAL_MS); // a count and the gauges, to no sink
    expect(deleted()).toEqual(['rh-y']);
    const stopping = w.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    await running;
  });

  it('wakes from the pause after a failed receive as soon as it is stopped', async () => {
    vi.useFakeTimers();
    sqsMock.on(ReceiveMessageCommand).rejects(new Error('throttled'));
    const w = worker(() => Promise.resolve());
    const running = w.run();
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    void Promise.all([w.stop(), running]).then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(true); // not RECEIVE_RETRY_MS later
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
          if (body.includes('slow'))
            signal.addEventListener('abort', () =>
              reject(new Error(String((signal.reason as Error).message))),
            );
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
    expect(log.error).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    // "slow" saw the abort and gave up; "stuck" still holds the process for the abandon wait
    expect(log.error).toHaveBeenCalledWith(
      'message failed; left for redelivery',
      expect.objectContaining({ id: 'slow', error: 'worker stopping: grace period over' }),
    );
    await vi.advanceTimersByTimeAsync(10_500); // grace (100 s) + abandon wait (10 s)
    expect(done).toBe(true);
    await running;

    expect(deleted()).toEqual([]); // SQS will deliver both again after their visibility timeout
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('abandoning'), { abandoned: 2 });
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
      withBody('good', JSON.stringify(valid)),
      withBody('bad', '{"type":"order.created"}', { Attributes: { ApproximateReceiveCount: '2' } }),
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
      expect.objectContaining({ event: 'delete-failed', id: 'a' }),
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
    expect(log.error).toHaveBeenCalledWith('receive failed; retrying in 5 s', {
      event: 'receive-failed',
      error: 'Error: throttled',
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await w.stop();
    await running;
  });

  it('does not pile up listeners while receives keep failing', async () => {
    vi.useFakeTimers();
    let calls = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => {
      calls += 1;
      return calls <= 10 ? Promise.reject(new Error('throttled')) : new Promise(() => undefined);
    });
    const w = worker(() => Promise.resolve());
    const running = w.run();
    await vi.advanceTimersByTimeAsync(11 * RECEIVE_RETRY_MS);
    expect(calls).toBe(11);
    const polling = (w as unknown as { polling: AbortController }).polling.signal;
    expect(getEventListeners(polling, 'abort')).toHaveLength(1);
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
    expect(metrics).not.toHaveBeenCalled(); // empty answers are no messages, not corrupt ones
    // The worker-wide stop signal lives as long as the process: one listener for the poll in
    // progress, none left behind by the 50 finished ones.
    const polling = (w as unknown as { polling: AbortController }).polling.signal;
    expect(getEventListeners(polling, 'abort')).toHaveLength(1);
    await w.stop();
    await running;
  });

  it("asks for the visibility timeout on every receive and never changes a message's visibility", async () => {
    queueWith([msg('a')]);
    const w = worker(() => Promise.resolve(), { visibilityTimeoutSeconds: 480, maxProcessingSeconds: 300 });
    const running = w.run();
    await vi.waitFor(() => expect(deleted()).toEqual(['rh-a']));
    await w.stop();
    await running;
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toEqual({
      QueueUrl: 'https://sqs/q',
      MaxNumberOfMessages: 5,
      WaitTimeSeconds: 20,
      VisibilityTimeout: 480,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it('refuses a deadline that is not below the visibility timeout', () => {
    expect(() =>
      worker(() => Promise.resolve(), { visibilityTimeoutSeconds: 60, maxProcessingSeconds: 60 }),
    ).toThrow('maxProcessingSeconds (60) must be above 0 and below the visibility timeout (60)');
    expect(() => worker(() => Promise.resolve(), { maxProcessingSeconds: 0 })).toThrow(/must be above 0/);
    expect(() =>
      worker(() => Promise.resolve(), { visibilityTimeoutSeconds: 60, maxProcessingSeconds: 59 }),
    ).not.toThrow();
  });

  describe('deadline (maxProcessingTime)', () => {
    it('aborts the handler exactly at maxProcessingSeconds and leaves its message for redelivery', async () => {
      vi.useFakeTimers();
      queueWith([withBody('hung', '{}', { Attributes: { ApproximateReceiveCount: '1' } })]);
      let signal!: AbortSignal;
      const w = worker(
        (_body, s) =>
          new Promise<void>((_resolve, reject) => {
            signal = s;
            s.addEventListener('abort', () => reject(new Error('aborted')));
          }),
        { visibilityTimeoutSeconds: 90, maxProcessingSeconds: 30 },
      );
      const running = w.run();
      await vi.advanceTimersByTimeAsync(30_000 - 1);
      expect(signal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(DeadlineExceeded);
      expect(signal.reason).toMatchObject({
        name: 'DeadlineExceeded',
        message: 'maxProcessingTime (30 s) reached',
      });
      expect(log.error).toHaveBeenCalledWith(
        'maxProcessingTime reached: handler aborted, message left for redelivery',
        { event: 'message-timed-out', id: 'hung', receiveCount: '1', maxProcessingSeconds: 30 },
      );
      // The abort's rejection is not logged a second time as a failure.
      expect(log.error).not.toHaveBeenCalledWith('message failed; left for redelivery', expect.anything());
      expect(metrics).toHaveBeenCalledWith({ MessagesTimedOut: 1 });
      await w.stop();
      await running;
      expect(deleted()).toEqual([]);
    });

    it('lets a handler use its whole budget: 4 minutes on a 5-minute worker is done and deleted', async () => {
      vi.useFakeTimers();
      queueWith([msg('long')]);
      let aborted = false;
      const w = worker(
        (_body, signal) =>
          new Promise<void>((resolve) => {
            signal.addEventListener('abort', () => (aborted = true));
            setTimeout(resolve, 240_000);
          }),
        { visibilityTimeoutSeconds: 480, maxProcessingSeconds: 300 },
      );
      const running = w.run();
      await vi.advanceTimersByTimeAsync(240_000);
      expect(deleted()).toEqual(['rh-long']);
      expect(log.info).toHaveBeenCalledWith('message done', {
        event: 'message-done',
        id: 'long',
        ms: 240_000,
      });
      expect(aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(300_000); // the cleared deadline never fires afterwards
      expect(metrics).not.toHaveBeenCalledWith({ MessagesTimedOut: 1 });
      await w.stop();
      await running;
    });

    it('reports a handler that ignored its abort as overdue every minute, and frees nothing for it', async () => {
      vi.useFakeTimers();
      queueWith([msg('stuck')]);
      const w = worker(() => new Promise<void>(() => undefined), {
        visibilityTimeoutSeconds: 30,
        maxProcessingSeconds: 20,
        concurrency: 1,
      });
      const running = w.run();
      await vi.advanceTimersByTimeAsync(GAUGE_INTERVAL_MS);
      // 60 s in, more than twice the 20 s deadline
      expect(metrics).toHaveBeenCalledWith({ MessagesInFlight: 1, MessagesOverdue: 1 });
      expect(log.error).toHaveBeenCalledWith(
        'handler still running after twice maxProcessingTime; it ignored its abort',
        { event: 'message-overdue', id: 'stuck', runningSeconds: 60 },
      );
      expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1); // its slot is still taken
      const stopping = w.stop();
      await vi.advanceTimersByTimeAsync(120_000);
      await stopping;
      await running;
    });

    it('does not count a handler as overdue before twice its deadline', async () => {
      vi.useFakeTimers();
      queueWith([msg('slow')]);
      const w = worker(() => new Promise<void>(() => undefined), {
        visibilityTimeoutSeconds: 60,
        maxProcessingSeconds: 30,
      });
      const running = w.run();
      await vi.advanceTimersByTimeAsync(GAUGE_INTERVAL_MS); // exactly 2 x 30 s: not yet
      expect(metrics).toHaveBeenCalledWith({ MessagesInFlight: 1, MessagesOverdue: 0 });
      const stopping = w.stop();
      await vi.advanceTimersByTimeAsync(120_000);
      await stopping;
      await running;
    });
  });

  it('never starts a second copy of a message still running here, and deletes it with the newest receipt', async () => {
    const first = msg('m');
    const again = { ...first, ReceiptHandle: 'rh-m-2', Attributes: { ApproximateReceiveCount: '2' } };
    vi.useFakeTimers();
    let receives = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => {
      receives += 1;
      if (receives === 1) return { Messages: [first] };
      // SQS hands it out again at the end of a 20 s long poll, as if its handler had outlived
      // the visibility timeout
      if (receives === 2)
        return new Promise((resolve) => setTimeout(() => resolve({ Messages: [again] }), 20_000));
      return new Promise(() => undefined);
    });
    let finish!: () => void;
    const handler = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const w = worker(handler);
    const running = w.run();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(receives).toBe(3);

    expect(handler).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith(
      'received again while still in progress here; not started a second time',
      { event: 'redelivery-held', id: 'm', receiveCount: '2', runningSeconds: 20 },
    );
    expect(metrics).toHaveBeenCalledWith({ RedeliveriesHeld: 1 });
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(deleted()).toEqual(['rh-m-2']);
    const stopping = w.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    await running;
  });

  it('leaves only the corrupt member of a batch, and handles the others', async () => {
    const corrupt = { ...msg('b'), MD5OfBody: md5('something else') };
    queueWith([msg('a'), corrupt, msg('c')]);
    const handler = vi.fn((_body: string) => Promise.resolve());
    const w = worker(handler);
    const running = w.run();
    await vi.waitFor(() => expect(deleted().sort()).toEqual(['rh-a', 'rh-c']));
    await w.stop();
    await running;

    expect(handler.mock.calls.map(([body]) => body)).toEqual(['{"id":"a"}', '{"id":"c"}']);
    expect(log.error).toHaveBeenCalledWith('body does not match its MD5; not handled, left for redelivery', {
      event: 'corrupt-message',
      id: 'b',
      receiveCount: undefined,
    });
    expect(metrics).toHaveBeenCalledWith({ CorruptMessages: 1 });
  });

  it('treats a message without an MD5 as corrupt, as the SDK does', async () => {
    queueWith([{ MessageId: 'x', ReceiptHandle: 'rh-x', Body: '{}' }]);
    const handler = vi.fn(() => Promise.resolve());
    const w = worker(handler);
    const running = w.run();
    await vi.waitFor(() => expect(metrics).toHaveBeenCalledWith({ CorruptMessages: 1 }));
    await w.stop();
    await running;
    expect(handler).not.toHaveBeenCalled();
  });

  it('abandons a receive that outlives its long poll, says so, and polls again at once', async () => {
    vi.useFakeTimers();
    let calls = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => {
      calls += 1;
      return new Promise(() => undefined); // a connection nobody answers; the mock ignores aborts
    });
    const w = worker(() => Promise.resolve(), { receiveWaitSeconds: 20 });
    const running = w.run();
    await vi.advanceTimersByTimeAsync(20_000 + RECEIVE_WATCHDOG_MARGIN_MS - 1);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('receive got no answer within 25 s'), {
      event: 'receive-stalled',
    });
    expect(metrics).toHaveBeenCalledWith({ ReceiveStalls: 1 });
    const firstCall = sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args as unknown[];
    expect((firstCall[1] as { abortSignal: AbortSignal }).abortSignal.aborted).toBe(true); // the SDK drops the request
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input.WaitTimeSeconds).toBe(20);
    const stopping = w.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    await running;
    expect(metrics).toHaveBeenCalledTimes(1); // SIGTERM during a poll is not a stall
  });
});
