import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockAws } from '../../../test/support/aws-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './main';

const sqsMock = mockAws(SQSClient);
const env = {
  WORKER_NAME: 'order-events-relay',
  QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/111111111111/sandbox-order-events-relay',
  ENVIRONMENT_NAME: 'sandbox',
  VISIBILITY_TIMEOUT_SECONDS: '120',
  MAX_PROCESSING_SECONDS: '30',
  TARGET_URL: 'https://partner.example.com/hooks',
  TARGET_TOKEN: 'token',
};
const log = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });
const event = { eventId: 'evt-1', type: 'order.created', payload: { orderId: 7 } };

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(DeleteMessageCommand).resolves({});
});
afterEach(() => vi.useRealTimers());

describe('main', () => {
  it.each([
    ['an unknown handler', ['nope'], env, /unknown handler "nope"; use one of webhook-relay/],
    ['a missing target', ['webhook-relay'], { ...env, TARGET_URL: '' }, /TARGET_URL is required/],
    ['a missing queue', ['webhook-relay'], { ...env, QUEUE_URL: undefined }, /QUEUE_URL is required/],
    [
      'a bad visibility timeout',
      ['webhook-relay'],
      { ...env, VISIBILITY_TIMEOUT_SECONDS: '2m' },
      /^VISIBILITY_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 43200, got "2m"$/,
    ],
    [
      'a fractional deadline',
      ['webhook-relay'],
      { ...env, MAX_PROCESSING_SECONDS: '2.5' },
      /^MAX_PROCESSING_SECONDS must be a whole number of seconds from 1 to 43200, got "2.5"$/,
    ],
    [
      'a zero deadline',
      ['webhook-relay'],
      { ...env, MAX_PROCESSING_SECONDS: '0' },
      /^MAX_PROCESSING_SECONDS must be a whole number of seconds from 1 to 43200, got "0"$/,
    ],
    [
      'a missing deadline',
      ['webhook-relay'],
      { ...env, MAX_PROCESSING_SECONDS: undefined },
      /^environment variable MAX_PROCESSING_SECONDS is required$/,
    ],
    [
      'a deadline not below the visibility timeout',
      ['webhook-relay'],
      { ...env, MAX_PROCESSING_SECONDS: '120' },
      /^MAX_PROCESSING_SECONDS \(120\) must be below VISIBILITY_TIMEOUT_SECONDS \(120\)/,
    ],
    [
      'a long poll longer than SQS allows',
      ['webhook-relay'],
      { ...env, RECEIVE_WAIT_SECONDS: '21' },
      /^RECEIVE_WAIT_SECONDS must be a whole number of seconds from 0 to 20, got "21"$/,
    ],
    [
      'a missing environment name',
      ['webhook-relay'],
      { ...env, ENVIRONMENT_NAME: '' },
      /ENVIRONMENT_NAME is required/,
    ],
    [
      'a missing worker name',
      ['webhook-relay'],
      { ...env, WORKER_NAME: undefined },
      /WORKER_NAME is required/,
    ],
  ])('exits 2 on %s without polling', async (_, argv, environment, message) => {
    const l = log();
    await expect(main(argv, environment, { log: l, signals: new EventEmitter() })).resolves.toBe(2);
    expect(l.error).toHaveBeenCalledWith(expect.stringMatching(message));
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  it('on SIGTERM stops polling, finishes the message in flight, deletes it once and exits 0', async () => {
    let answer!: (response: Response) => void;
    const target = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)));
    vi.stubGlobal('fetch', target);
    let served = false;
    sqsMock.on(ReceiveMessageCommand).callsFake(() => {
      if (served) return new Promise(() => undefined); // long poll, until aborted
      served = true;
      const Body = JSON.stringify(event);
      const MD5OfBody = createHash('md5').update(Body).digest('hex');
      return { Messages: [{ MessageId: 'm1', ReceiptHandle: 'rh-1', Body, MD5OfBody }] };
    });
    const signals = new EventEmitter();
    const exit = main(['webhook-relay'], env, { log: log(), signals });
    await vi.waitFor(() => expect(target).toHaveBeenCalledTimes(1));
    const receives = sqsMock.commandCalls(ReceiveMessageCommand).length;

    signals.emit('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(0); // still in flight
    answer(new Response(null, { status: 204 }));

    await expect(exit).resolves.toBe(0);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(receives);
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: env.QUEUE_URL, ReceiptHandle: 'rh-1' },
    ]);
  });

  it('exits 0 at once on SIGINT while idle in a long poll, saying what it does', async () => {
    sqsMock.on(ReceiveMessageCommand).callsFake(() => new Promise(() => undefined));
    const signals = new EventEmitter();
    const l = log();
    const exit = main(['webhook-relay'], env, { log: l, signals });
    await vi.waitFor(() => expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1));
    signals.emit('SIGINT');
    await expect(exit).resolves.toBe(0);
    expect(l.info.mock.calls.map(([message]) => message as string)).toEqual([
      'polling',
      'SIGINT received',
      'stopping: no more polling',
      'stopped cleanly',
    ]);
    expect(l.info).toHaveBeenCalledWith('polling', { handler: 'webhook-relay' });
  });

  it.each([
    ['unset', undefined, 20],
    ['empty', '', 20],
    ['the most SQS allows', '20', 20],
    ['none (short polling)', '0', 0],
  ])('takes a long-poll wait that is %s', async (_, wait, expected) => {
    sqsMock.on(ReceiveMessageCommand).callsFake(() => new Promise(() => undefined));
    const signals = new EventEmitter();
    const exit = main(['webhook-relay'], { ...env, RECEIVE_WAIT_SECONDS: wait }, { log: log(), signals });
    await vi.waitFor(() => expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1));
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input.WaitTimeSeconds).toBe(expected);
    signals.emit('SIGTERM');
    await expect(exit).resolves.toBe(0);
  });

  it('writes its log and metric lines to stdout unless told otherwise', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    await expect(main(['nope'], env, { signals: new EventEmitter() })).resolves.toBe(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', worker: 'order-events-relay' });

    lines.length = 0;
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'c', ReceiptHandle: 'rh-c', Body: '{}', MD5OfBody: 'x' }] })
      .callsFake(() => new Promise(() => undefined));
    const signals = new EventEmitter();
    const exit = main(['webhook-relay'], env, { log: log(), signals });
    await vi.waitFor(() => expect(lines.join('')).toContain('CorruptMessages'));
    signals.emit('SIGTERM');
    await expect(exit).resolves.toBe(0);
  });

  it('polls with the configured wait and deadline, and writes metrics for this environment and worker', async () => {
    vi.useFakeTimers();
    sqsMock.on(ReceiveMessageCommand).callsFake(() => new Promise(() => undefined));
    const lines: string[] = [];
    const signals = new EventEmitter();
    const exit = main(
      ['webhook-relay'],
      { ...env, RECEIVE_WAIT_SECONDS: '0' },
      {
        log: log(),
        signals,
        writeMetrics: (line) => lines.push(line),
      },
    );
    await vi.advanceTimersByTimeAsync(5_000); // a 0 s poll with no answer after 5 s is a stall
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      WaitTimeSeconds: 0,
      VisibilityTimeout: 120,
    });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number) as unknown,
          CloudWatchMetrics: [
            {
              Namespace: 'BatchPlatform/Workers',
              Dimensions: [['Environment', 'Worker']],
              Metrics: [{ Name: 'ReceiveStalls', Unit: 'Count' }],
            },
          ],
        },
        Environment: 'sandbox',
        Worker: 'order-events-relay',
        ReceiveStalls: 1,
      },
    ]);
    signals.emit('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    await expect(exit).resolves.toBe(0);
  });
});
