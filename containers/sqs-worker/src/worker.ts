import { createHash } from 'node:crypto';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Log } from './log';
import type { WorkerMetricName } from './metrics';

/** How long abandoned handlers get to notice their abort signal before the worker returns. */
export const ABANDON_WAIT_MS = 10_000;

/** How long to wait before polling again after ReceiveMessage failed (throttling, network). */
export const RECEIVE_RETRY_MS = 5_000;

/**
 * How much longer than its long-poll wait a ReceiveMessage may take before the worker gives
 * up on it. SQS answers a long poll by the end of its wait; a request still open after that
 * is a dead connection (a NAT or endpoint that dropped it), not a slow queue.
 */
export const RECEIVE_WATCHDOG_MARGIN_MS = 5_000;

/** How often the in-flight and overdue gauges are reported (one CloudWatch period). */
export const GAUGE_INTERVAL_MS = 60_000;

/** Processes one message body; rejects (or throws) to leave the message for redelivery. */
export type Handler = (body: string, signal: AbortSignal) => Promise<void>;

export interface WorkerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handler: Handler;
  readonly log: Log;
  /** Counts and gauges for CloudWatch (see metrics.ts). @default discarded */
  readonly metrics?: (values: Partial<Record<WorkerMetricName, number>>) => void;
  /** The worker's visibility timeout, asked for on every receive so an imported queue's own setting cannot shorten it. */
  readonly visibilityTimeoutSeconds: number;
  /**
   * The longest one message may take (config's maxProcessingTime): its handler is aborted
   * then. Must be below the visibility timeout, so that every handler is stopped before SQS
   * can hand its message to anyone else.
   */
  readonly maxProcessingSeconds: number;
  /** Long-poll wait of each ReceiveMessage, 0-20 s. @default 20 */
  readonly receiveWaitSeconds?: number;
  /** Messages processed at once (one ReceiveMessage batch, at most 10). @default 5 */
  readonly concurrency?: number;
  /**
   * How long in-flight messages may keep running after SIGTERM. ECS sends SIGKILL
   * `stopTimeout` (120 s) after SIGTERM, and Spot reclaims after two minutes, so the
   * default leaves 20 s to abandon what is left and exit. @default 100_000
   */
  readonly shutdownGraceMs?: number;
}

/** A message whose handler is running in this process. */
interface InProgress {
  readonly id: string;
  /** The newest receipt handle: SQS deletes a message received twice only with its latest one. */
  receiptHandle: string | undefined;
  readonly startedAt: number;
  readonly abort: AbortController;
  /** Settles when the handler has settled and the message is deleted or left. */
  readonly done: Promise<void>;
}

/** Why a handler's signal was aborted at its deadline (the handler sees it as `signal.reason`). */
export class DeadlineExceeded extends Error {
  constructor(seconds: number) {
    super(`maxProcessingTime (${seconds} s) reached`);
    this.name = 'DeadlineExceeded';
  }
}

class ReceiveStalled extends Error {}

/**
 * An SQS long-poll loop that deletes a message only after its handler succeeded and never
 * runs two copies of one message at once in this process.
 *
 * - Each handler is aborted at `maxProcessingSeconds`, which config keeps below the
 *   visibility timeout: a message cannot become visible again while its handler runs, so
 *   there is no visibility heartbeat to fail. The timer is an ordinary one that the worker
 *   holds; `AbortSignal.timeout()` is not, and Node 20 can collect it before it fires.
 * - A copy SQS delivers while the first still runs here (a handler that ignored its abort)
 *   is not started; its receipt handle replaces the old one, so the eventual delete works.
 * - Each message's MD5 is checked on its own: one corrupt message no longer fails its batch.
 * - A receive that gets no answer is abandoned after its wait plus a margin, and polling
 *   starts again.
 * - `stop()` stops polling, lets in-flight messages finish within the grace period, aborts
 *   the rest and returns. Abandoned messages are neither deleted nor released: SQS delivers
 *   them again once their visibility timeout runs out.
 */
export class Worker {
  private readonly polling = new AbortController();
  private readonly abandon = new AbortController();
  private readonly inProgress = new Map<string, InProgress>();
  private stopping = false;
  private stopped?: Promise<void>;

  constructor(private readonly options: WorkerOptions) {
    const { maxProcessingSeconds, visibilityTimeoutSeconds } = options;
    if (!(maxProcessingSeconds > 0 && maxProcessingSeconds < visibilityTimeoutSeconds)) {
      throw new Error(
        `maxProcessingSeconds (${maxProcessingSeconds}) must be above 0 and below the visibility timeout (${visibilityTimeoutSeconds}): a handler still running when its message reappears could run twice`,
      );
    }
  }

  /** Polls until `stop()`; resolves when every message is finished or abandoned. */
  async run(): Promise<void> {
    const { log } = this.options;
    const concurrency = Math.max(1, Math.min(10, this.options.concurrency ?? 5));
    const gauges = setInterval(() => this.reportGauges(), GAUGE_INTERVAL_MS);
    try {
      while (!this.stopping) {
        const free = concurrency - this.inProgress.size;
        if (free <= 0) {
          // Wake on SIGTERM too: if every slot holds a handler that never settles, waiting for
          // a free slot alone would keep the process alive until ECS kills it.
          const slots = [...this.inProgress.values()].map((entry) => entry.done);
          await untilAborted(Promise.race(slots), this.polling.signal).catch(() => undefined);
          continue;
        }
        let messages: Message[];
        try {
          messages = await this.receive(free);
        } catch (error) {
          if (this.stopping) break;
          if (error instanceof ReceiveStalled) {
            log.error(error.message, { event: 'receive-stalled' });
            this.count('ReceiveStalls');
            continue;
          }
          log.error(`receive failed; retrying in ${RECEIVE_RETRY_MS / 1000} s`, {
            event: 'receive-failed',
            error: String(error),
          });
          await sleep(RECEIVE_RETRY_MS, this.polling.signal);
          continue;
        }
        for (const message of messages) this.accept(message);
      }
      await this.stopped;
    } finally {
      clearInterval(gauges);
    }
  }

  /** Called on SIGTERM: stop polling now, finish or abandon in-flight work, then resolve. */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopping = true;
    this.polling.abort();
    const grace = this.options.shutdownGraceMs ?? 100_000;
    this.options.log.info('stopping: no more polling', { inFlight: this.inProgress.size, graceMs: grace });
    this.stopped = (async () => {
      const drained = Promise.allSettled([...this.inProgress.values()].map((entry) => entry.done));
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), grace).unref());
      if ((await Promise.race([drained, timer])) === 'timeout') {
        this.options.log.warn(
          'grace period over: abandoning unfinished messages to their visibility timeout',
          { abandoned: this.inProgress.size },
        );
        this.abandon.abort();
        // A handler that ignores the abort must not hold the process past SIGKILL.
        const giveUp = new Promise((resolve) => setTimeout(resolve, ABANDON_WAIT_MS).unref());
        await Promise.race([drained, giveUp]);
      }
    })();
    return this.stopped;
  }

  /**
   * One ReceiveMessage, abandoned on SIGTERM or when it outlives its long poll. The SDK's own
   * request timeout should end a dead connection first; this watchdog does not depend on it.
   */
  private async receive(max: number): Promise<Message[]> {
    const { sqs, queueUrl, visibilityTimeoutSeconds } = this.options;
    const waitSeconds = this.options.receiveWaitSeconds ?? 20;
    const request = new AbortController();
    const onStop = () => request.abort();
    this.polling.signal.addEventListener('abort', onStop, { once: true });
    const limitMs = waitSeconds * 1000 + RECEIVE_WATCHDOG_MARGIN_MS;
    let stalled = false;
    const watchdog = setTimeout(() => {
      stalled = true;
      request.abort();
    }, limitMs);
    try {
      const receive = sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds, // long poll: one request per wait when idle
          VisibilityTimeout: visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
        { abortSignal: request.signal },
      );
      // Stop waiting at once even if the request itself is slow to abort. Messages it might
      // still return stay invisible, then reappear: nothing is lost.
      return (await untilAborted(receive, request.signal)).Messages ?? [];
    } catch (error) {
      if (stalled && !this.stopping) {
        throw new ReceiveStalled(
          `receive got no answer within ${limitMs / 1000} s; abandoned it and polling again (messages it may have taken reappear after their visibility timeout)`,
        );
      }
      throw error;
    } finally {
      clearTimeout(watchdog);
      this.polling.signal.removeEventListener('abort', onStop);
    }
  }

  /** Starts a received message, unless it is corrupt or already running here. */
  private accept(message: Message): void {
    const { log } = this.options;
    const id = message.MessageId ?? message.ReceiptHandle ?? '';
    const receiveCount = message.Attributes?.ApproximateReceiveCount;
    const running = this.inProgress.get(id);
    if (running) {
      running.receiptHandle = message.ReceiptHandle;
      log.warn('received again while still in progress here; not started a second time', {
        event: 'redelivery-held',
        id,
        receiveCount,
        runningSeconds: Math.round((Date.now() - running.startedAt) / 1000),
      });
      this.count('RedeliveriesHeld');
      return;
    }
    if (!bodyIntact(message)) {
      // The SDK's own check would fail the whole batch; this message alone is left. SQS
      // delivers it again, and dead-letters it if it stays corrupt.
      log.error('body does not match its MD5; not handled, left for redelivery', {
        event: 'corrupt-message',
        id,
        receiveCount,
      });
      this.count('CorruptMessages');
      return;
    }
    const started = {
      id,
      receiptHandle: message.ReceiptHandle,
      startedAt: Date.now(),
      abort: new AbortController(),
    };
    const done = this.process(message, started).finally(() => this.inProgress.delete(id));
    this.inProgress.set(id, Object.assign(started, { done }));
  }

  private async process(message: Message, entry: Omit<InProgress, 'done'>): Promise<void> {
    const { sqs, queueUrl, handler, log, maxProcessingSeconds } = this.options;
    const { id, abort } = entry;
    const receiveCount = message.Attributes?.ApproximateReceiveCount;
    const deadline = setTimeout(() => {
      log.error('maxProcessingTime reached: handler aborted, message left for redelivery', {
        event: 'message-timed-out',
        id,
        receiveCount,
        maxProcessingSeconds,
      });
      this.count('MessagesTimedOut');
      abort.abort(new DeadlineExceeded(maxProcessingSeconds));
    }, maxProcessingSeconds * 1000);
    const onAbandon = () => abort.abort(new Error('worker stopping: grace period over'));
    this.abandon.signal.addEventListener('abort', onAbandon, { once: true });
    try {
      await handler(message.Body ?? '', abort.signal);
    } catch (error) {
      // Not deleted: SQS delivers it again after the visibility timeout, and after
      // maxReceiveCount attempts moves it to the dead-letter queue.
      if (!(abort.signal.reason instanceof DeadlineExceeded)) {
        log.error('message failed; left for redelivery', {
          event: 'message-failed',
          id,
          receiveCount,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return;
    } finally {
      clearTimeout(deadline);
      this.abandon.signal.removeEventListener('abort', onAbandon);
    }
    try {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: entry.receiptHandle }));
    } catch (error) {
      // The work is done but SQS will deliver the message again: handlers must be idempotent
      // (at-least-once delivery), so this is logged, not fatal.
      log.error('processed, but delete failed; SQS will deliver it again', {
        event: 'delete-failed',
        id,
        error: String(error),
      });
      return;
    }
    log.info('message done', { event: 'message-done', id, ms: Date.now() - entry.startedAt });
  }

  /** Every minute: messages running, and those running past twice their deadline. */
  private reportGauges(): void {
    const overdueAfterMs = 2 * this.options.maxProcessingSeconds * 1000;
    const now = Date.now();
    let overdue = 0;
    for (const entry of this.inProgress.values()) {
      if (now - entry.startedAt <= overdueAfterMs) continue;
      overdue += 1;
      this.options.log.error('handler still running after twice maxProcessingTime; it ignored its abort', {
        event: 'message-overdue',
        id: entry.id,
        runningSeconds: Math.round((now - entry.startedAt) / 1000),
      });
    }
    this.options.metrics?.({ MessagesInFlight: this.inProgress.size, MessagesOverdue: overdue });
  }

  private count(metric: WorkerMetricName): void {
    this.options.metrics?.({ [metric]: 1 });
  }
}

/** Whether the body is what SQS stored: its MD5, as the SDK checks it, but per message. */
export function bodyIntact(message: Message): boolean {
  return (
    createHash('md5')
      .update(message.Body ?? '', 'utf8')
      .digest('hex') === message.MD5OfBody
  );
}

/** `work`, or a rejection as soon as `signal` aborts; the listener is removed either way. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // Never called with an aborted signal: the poll loop checks `stopping` first, and each
  // receive's signal is new. The race handles a late rejection of `work`.
  let onAbort!: () => void;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new Error('stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
