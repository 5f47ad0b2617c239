import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Worker, type Handler } from './worker';

const sqsMock = mockClient(SQSClient);
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
});
