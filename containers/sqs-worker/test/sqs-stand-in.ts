import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One SQS queue in-process, speaking the AWS JSON 1.0 protocol as @aws-sdk/client-sqs sends it
 * (POST, `x-amz-target: AmazonSQS.<Action>`, `application/x-amz-json-1.0`), with the semantics a
 * worker depends on: long polls, visibility timeouts that run out in real time, a fresh receipt
 * handle per receive, ApproximateReceiveCount and a redrive policy. Faults are injected per test.
 */
export interface SqsStandInOptions {
  /** The queue's default visibility timeout, used when ReceiveMessage names none. @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * The redrive policy's maxReceiveCount: a message already received this often moves to the
   * dead-letter list at its next receive instead of being delivered. @default no redrive
   */
  readonly maxReceiveCount?: number;
}

export interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  /** When it becomes receivable (epoch ms); 0 while it has never been received. */
  visibleAt: number;
  /** The only receipt handle DeleteMessage and ChangeMessageVisibility accept. */
  receiptHandle?: string;
}

/** One HTTP call as the stand-in saw it. */
export interface SqsCall {
  readonly action: string;
  readonly input: Record<string, unknown>;
  readonly at: number;
  /** When it was answered; absent while it hangs (or for a long poll still waiting). */
  answeredAt?: number;
  status?: number;
  /** The error code it was answered with, if any. */
  error?: string;
  /** ReceiveMessage: the ids delivered. */
  messageIds?: string[];
  /** ReceiveMessage: accepted and never answered (`hangReceives`). */
  hung?: boolean;
  /** When the client closed the connection before an answer (a hung or waiting receive it gave up on). */
  abandonedAt?: number;
}

export interface Delivery {
  readonly id: string;
  readonly receiptHandle: string;
  readonly receiveCount: number;
  readonly at: number;
  readonly corruptMd5: boolean;
}

export interface StaleHandleUse {
  readonly action: string;
  readonly id: string | undefined;
  readonly receiptHandle: string;
  readonly at: number;
}

interface Waiter {
  readonly call: SqsCall;
  readonly res: http.ServerResponse;
  readonly max: number;
  readonly visibilitySeconds: number;
  readonly timer: NodeJS.Timeout;
}

const ACCOUNT = '111111111111';
const QUEUE_NAME = 'stand-in-queue';

export class SqsStandIn {
  readonly calls: SqsCall[] = [];
  readonly deliveries: Delivery[] = [];
  readonly deleted: { readonly id: string; readonly at: number }[] = [];
  readonly deadLettered: QueuedMessage[] = [];
  readonly staleHandles: StaleHandleUse[] = [];
  private readonly messages: QueuedMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private hangNext = 0;
  private corrupt: (message: { id: string; body: string }) => boolean = () => false;
  private changeVisibilityFails = false;
  private expiryTimer?: NodeJS.Timeout;
  private closing = false;

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
    private readonly options: SqsStandInOptions,
  ) {}

  static async start(options: SqsStandInOptions = {}): Promise<SqsStandIn> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const standIn = new SqsStandIn(server, endpoint, options);
    server.on('request', (req, res) => standIn.onRequest(req, res));
    return standIn;
  }

  get queueUrl(): string {
    return `${this.endpoint}/${ACCOUNT}/${QUEUE_NAME}`;
  }

  /** Messages neither deleted nor dead-lettered. */
  get remaining(): readonly QueuedMessage[] {
    return this.messages;
  }

  /** Enqueues a message, visible at once; returns its MessageId. */
  send(body: string): string {
    const message: QueuedMessage = {
      id: randomUUID(),
      body,
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: 0,
    };
    this.messages.push(message);
    this.serveWaiters();
    return message.id;
  }

  /** The next `n` ReceiveMessage requests are accepted and never answered (until `close()`). */
  hangReceives(n: number): void {
    this.hangNext += n;
  }

  /** These messages carry a wrong MD5OfBody every time they are delivered. */
  corruptMd5(which: readonly string[] | ((message: { id: string; body: string }) => boolean)): void {
    this.corrupt = typeof which === 'function' ? which : (m) => which.includes(m.id);
  }

  /** While on, every ChangeMessageVisibility is answered 500 InternalError. */
  failChangeVisibility(fail: boolean): void {
    this.changeVisibilityFails = fail;
  }

  /** Calls of one action, in arrival order. */
  callsOf(action: string): SqsCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  /** Drops every connection, hung and long-polling ones included, and stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.expiryTimer);
    for (const waiter of this.waiters.splice(0)) clearTimeout(waiter.timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : target;
      let input: Record<string, unknown> = {};
      try {
        input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        // answered below as a protocol error
      }
      const call: SqsCall = { action, input, at: Date.now() };
      this.calls.push(call);
      if (
        req.method !== 'POST' ||
        !String(req.headers['content-type']).startsWith('application/x-amz-json-1.0')
      ) {
        this.fail(call, res, 400, 'InvalidAction', 'expected a POST in AWS JSON 1.0');
        return;
      }
      switch (action) {
        case 'ReceiveMessage':
          this.receive(call, res);
          return;
        case 'DeleteMessage':
          this.deleteMessage(call, res);
          return;
        case 'ChangeMessageVisibility':
          this.changeVisibility(call, res);
          return;
        default:
          this.fail(call, res, 400, 'UnsupportedOperation', `${action} is not supported by the stand-in`);
      }
    });
  }

  private receive(call: SqsCall, res: http.ServerResponse): void {
    if (this.hangNext > 0) {
      this.hangNext -= 1;
      call.hung = true;
      res.on('close', () => {
        if (!this.closing) call.abandonedAt = Date.now();
      });
      return;
    }
    const input = call.input;
    const max = Math.min(10, Math.max(1, Number(input['MaxNumberOfMessages'] ?? 1)));
    const visibilitySeconds = Number(
      input['VisibilityTimeout'] ?? this.options.visibilityTimeoutSeconds ?? 30,
    );
    const waitSeconds = Math.min(20, Number(input['WaitTimeSeconds'] ?? 0));
    const messages = this.take(max, visibilitySeconds);
    if (messages.length > 0 || waitSeconds <= 0) {
      this.answerReceive(call, res, messages);
      return;
    }
    const waiter: Waiter = {
      call,
      res,
      max,
      visibilitySeconds,
      timer: setTimeout(() => {
        this.removeWaiter(waiter);
        this.answerReceive(call, res, []);
      }, waitSeconds * 1000),
    };
    this.waiters.push(waiter);
    // A client that gave up on its long poll must not be handed messages it will never read.
    res.on('close', () => {
      if (res.writableFinished || this.closing) return;
      call.abandonedAt = Date.now();
      this.removeWaiter(waiter);
    });
    this.scheduleExpiry();
  }

  private removeWaiter(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  /** Visible messages in send order, up to `max`; the over-received ones move to the dead letters. */
  private take(max: number, visibilitySeconds: number): { message: QueuedMessage; delivery: Delivery }[] {
    const now = Date.now();
    const taken: { message: QueuedMessage; delivery: Delivery }[] = [];
    for (const message of [...this.messages]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      const limit = this.options.maxReceiveCount;
      if (limit !== undefined && message.receiveCount >= limit) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.deadLettered.push(message);
        continue;
      }
      message.receiveCount += 1;
      message.receiptHandle = `rh-${randomUUID()}`;
      message.visibleAt = now + visibilitySeconds * 1000;
      const delivery: Delivery = {
        id: message.id,
        receiptHandle: message.receiptHandle,
        receiveCount: message.receiveCount,
        at: now,
        corruptMd5: this.corrupt(message),
      };
      this.deliveries.push(delivery);
      taken.push({ message, delivery });
    }
    return taken;
  }

  private answerReceive(
    call: SqsCall,
    res: http.ServerResponse,
    taken: { message: QueuedMessage; delivery: Delivery }[],
  ): void {
    call.messageIds = taken.map((t) => t.message.id);
    const Messages = taken.map(({ message, delivery }) => ({
      MessageId: message.id,
      ReceiptHandle: delivery.receiptHandle,
      MD5OfBody: md5(delivery.corruptMd5 ? `${message.body}#corrupt` : message.body),
      Body: message.body,
      Attributes: { ApproximateReceiveCount: String(delivery.receiveCount) },
    }));
    this.answer(call, res, 200, Messages.length > 0 ? { Messages } : {});
  }

  /** Hands newly visible messages to long polls, oldest poll first. */
  private serveWaiters(): void {
    for (const waiter of [...this.waiters]) {
      const taken = this.take(waiter.max, waiter.visibilitySeconds);
      if (taken.length === 0) break;
      this.removeWaiter(waiter);
      this.answerReceive(waiter.call, waiter.res, taken);
    }
    this.scheduleExpiry();
  }

  /** Wakes the long polls when the next in-flight message's visibility runs out. */
  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    if (this.waiters.length === 0) return;
    const now = Date.now();
    const next = Math.min(...this.messages.map((m) => m.visibleAt).filter((at) => at > now));
    if (Number.isFinite(next)) this.expiryTimer = setTimeout(() => this.serveWaiters(), next - now);
  }

  /**
   * The message whose latest receipt handle the call names; otherwise records the stale handle,
   * answers ReceiptHandleIsInvalid and returns undefined.
   */
  private byLatestHandle(call: SqsCall, res: http.ServerResponse): QueuedMessage | undefined {
    const handle = call.input['ReceiptHandle'];
    const message = this.messages.find((m) => m.receiptHandle === handle);
    if (!message) {
      const delivery = this.deliveries.find((d) => d.receiptHandle === handle);
      this.staleHandles.push({
        action: call.action,
        id: delivery?.id,
        receiptHandle: String(handle),
        at: call.at,
      });
      const reason = 'The receipt handle is not the latest of any message.';
      this.fail(call, res, 400, 'ReceiptHandleIsInvalid', reason);
    }
    return message;
  }

  private deleteMessage(call: SqsCall, res: http.ServerResponse): void {
    const message = this.byLatestHandle(call, res);
    if (!message) return;
    this.messages.splice(this.messages.indexOf(message), 1);
    this.deleted.push({ id: message.id, at: call.at });
    this.answer(call, res, 200, {});
  }

  private changeVisibility(call: SqsCall, res: http.ServerResponse): void {
    if (this.changeVisibilityFails) {
      this.fail(call, res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      return;
    }
    const message = this.byLatestHandle(call, res);
    if (!message) return;
    if (message.visibleAt <= call.at) {
      this.fail(call, res, 400, 'AWS.SimpleQueueService.MessageNotInflight', 'Message not inflight.');
      return;
    }
    message.visibleAt = call.at + Number(call.input['VisibilityTimeout'] ?? 0) * 1000;
    this.answer(call, res, 200, {});
    this.serveWaiters();
  }

  /**
   * An error as SQS's JSON protocol sends it: the modelled code in `__type`, and the query-API
   * code in `x-amzn-query-error`, which the SDK reads because SQS is awsQueryCompatible.
   */
  private fail(call: SqsCall, res: http.ServerResponse, status: number, code: string, message: string): void {
    call.error = code;
    const modelled = code.replace('AWS.SimpleQueueService.', '');
    res.setHeader('x-amzn-query-error', `${code};${status >= 500 ? 'Receiver' : 'Sender'}`);
    this.answer(call, res, status, { __type: `com.amazonaws.sqs#${modelled}`, message });
  }

  private answer(call: SqsCall, res: http.ServerResponse, status: number, body: unknown): void {
    call.status = status;
    call.answeredAt = Date.now();
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
