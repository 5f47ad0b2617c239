import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Log } from './log';

/** How long abandoned handlers get to notice their abort signal before the worker returns. */
export const ABANDON_WAIT_MS = 10_000;

/** How long to wait before polling again after ReceiveMessage failed (throttling, network). */
export const RECEIVE_RETRY_MS = 5_000;

/** Processes one message body; rejects (or throws) to leave the message for redelivery. */
export type Handler = (body: string, signal: AbortSignal) => Promise<void>;

export interface WorkerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handler: Handler;
  readonly log: Log;
  /** The queue's visibility timeout; a message in progress is extended by this much. */
  readonly visibilityTimeoutSeconds: number;
  /** Messages processed at once (one ReceiveMessage batch, at most 10). @default 5 */
  readonly concurrency?: number;
  /**
   * How long in-flight messages may keep running after SIGTERM. ECS sends SIGKILL
   * `stopTimeout` (120 s) after SIGTERM, and Spot reclaims after two minutes, so the
   * default leaves 20 s to abandon what is left and exit. @default 100_000
   */
  readonly shutdownGraceMs?: number;
}

/**
 * An SQS long-poll loop that deletes a message only after its handler succeeded, keeps a
 * slow message invisible while it is processed, and on `stop()` stops polling, lets
 * in-flight messages finish within the grace period, abandons the rest and returns.
 *
 * Abandoned messages are not deleted and their visibility is not reset: SQS delivers them
 * again once their visibility timeout runs out. Releasing them at once would hand a message
 * to another task while a handler that ignores its abort signal may still be working on it,
 * which a singleton worker must never allow.
 */
export class Worker {
  private readonly polling = new AbortController();
  private readonly abandon = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private stopped?: Promise<void>;

  constructor(private readonly options: WorkerOptions) {}

  /** Polls until `stop()`; resolves when every message is finished or abandoned. */
  async run(): Promise<void> {
    const { sqs, queueUrl, log } = this.options;
    const concurrency = Math.max(1, Math.min(10, this.options.concurrency ?? 5));
    while (!this.stopping) {
      const free = concurrency - this.inFlight.size;
      if (free <= 0) {
        // Wake on SIGTERM too: if every slot holds a handler that never settles, waiting for a
        // free slot alone would keep the process alive until ECS kills it.
        await untilAborted(Promise.race(this.inFlight), this.polling.signal).catch(() => undefined);
        continue;
      }
      let messages: Message[];
      try {
        const receive = sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: free,
            WaitTimeSeconds: 20, // long poll: one request per 20 s when idle
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: this.polling.signal },
        );
        // Stop waiting on SIGTERM even if the request itself is slow to abort. Messages it
        // might still return stay invisible, then reappear: nothing is lost.
        messages = (await untilAborted(receive, this.polling.signal)).Messages ?? [];
      } catch (error) {
        if (this.stopping) break;
        log.error(`receive failed; retrying in ${RECEIVE_RETRY_MS / 1000} s`, { error: String(error) });
        await sleep(RECEIVE_RETRY_MS, this.polling.signal);
        continue;
      }
      for (const message of messages) this.track(this.process(message));
    }
    await this.stopped;
  }

  /** Called on SIGTERM: stop polling now, finish or abandon in-flight work, then resolve. */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopping = true;
    this.polling.abort();
    const grace = this.options.shutdownGraceMs ?? 100_000;
    this.options.log.info('stopping: no more polling', { inFlight: this.inFlight.size, graceMs: grace });
    this.stopped = (async () => {
      const drained = Promise.allSettled([...this.inFlight]);
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), grace).unref());
      if ((await Promise.race([drained, timer])) === 'timeout') {
        this.options.log.warn(
          'grace period over: abandoning unfinished messages to their visibility timeout',
          { abandoned: this.inFlight.size },
        );
        this.abandon.abort();
        // A handler that ignores the abort must not hold the process past SIGKILL.
        const giveUp = new Promise((resolve) => setTimeout(resolve, ABANDON_WAIT_MS).unref());
        await Promise.race([drained, giveUp]);
      }
    })();
    return this.stopped;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async process(message: Message): Promise<void> {
    const { sqs, queueUrl, handler, log, visibilityTimeoutSeconds } = this.options;
    const id = message.MessageId;
    // Keep the message invisible while we work on it: extend at half the timeout.
    const heartbeat = setInterval(
      () => {
        sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: visibilityTimeoutSeconds,
            }),
          )
          .catch((error: unknown) => log.warn('could not extend visibility', { id, error: String(error) }));
      },
      (visibilityTimeoutSeconds * 1000) / 2,
    );
    // One signal per message, so handlers that combine it (AbortSignal.any) attach nothing to
    // the worker-wide signal, which lives as long as the process.
    const abort = new AbortController();
    const onAbandon = () => abort.abort();
    this.abandon.signal.addEventListener('abort', onAbandon, { once: true });
    try {
      await handler(message.Body ?? '', abort.signal);
    } catch (error) {
      // Not deleted: SQS delivers it again after the visibility timeout, and after
      // maxReceiveCount attempts moves it to the dead-letter queue.
      log.error('message failed; left for redelivery', {
        id,
        receiveCount: message.Attributes?.ApproximateReceiveCount,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    } finally {
      clearInterval(heartbeat);
      this.abandon.signal.removeEventListener('abort', onAbandon);
    }
    try {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      // The work is done but SQS will deliver the message again: handlers must be idempotent
      // (at-least-once delivery), so this is logged, not fatal.
      log.error('processed, but delete failed; SQS will deliver it again', { id, error: String(error) });
      return;
    }
    log.info('message done', { id });
  }
}

/** `work`, or a rejection as soon as `signal` aborts; the listener is removed either way. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    void work.catch(() => undefined); // nobody awaits it any more; its failure is of no interest
    return Promise.reject(new Error('stopped'));
  }
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
