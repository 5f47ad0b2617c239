import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the target does with one request: answer `status` after `delayMs`, or never answer. */
export type TargetBehaviour = { readonly status: number; readonly delayMs: number } | 'hang';

/** One webhook call as the target saw it. */
export interface TargetRequest {
  readonly eventId: string;
  /** 1 for the first request carrying this event id, 2 for the next, ... */
  readonly attempt: number;
  readonly start: number;
  /** When it was answered or the client gave up; absent while still open. */
  end?: number;
  outcome?: 'answered' | 'aborted by client';
  /** The status answered, if it was. */
  status?: number;
}

/** Per event: how often it arrived, how many copies were open at once, how often it completed. */
export interface EventStats {
  readonly deliveries: number;
  readonly maxConcurrentCopies: number;
  /** Requests answered 2xx (the event took effect at the target). */
  readonly completed: number;
}

/**
 * The webhook target of the relay worker: an HTTP server that reads the event id from each
 * POSTed JSON body and answers (or hangs) as `behaviour` says, recording when each request
 * started and how it ended, so a scenario can see copies of one event overlapping.
 */
export class TargetStandIn {
  readonly requests: TargetRequest[] = [];
  private closing = false;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(
    behaviour: (request: { eventId: string; attempt: number }) => TargetBehaviour,
  ): Promise<TargetStandIn> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = new TargetStandIn(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    );
    server.on('request', (req, res) => target.onRequest(req, res, behaviour));
    return target;
  }

  /** Stats for every event id seen, as of now (a request still open counts as open now). */
  stats(): Map<string, EventStats> {
    const byEvent = new Map<string, TargetRequest[]>();
    for (const r of this.requests) byEvent.set(r.eventId, [...(byEvent.get(r.eventId) ?? []), r]);
    const stats = new Map<string, EventStats>();
    for (const [eventId, requests] of byEvent) {
      stats.set(eventId, {
        deliveries: requests.length,
        maxConcurrentCopies: maxOverlap(requests),
        completed: requests.filter(isCompleted).length,
      });
    }
    return stats;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private onRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    behaviour: (request: { eventId: string; attempt: number }) => TargetBehaviour,
  ): void {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      let eventId = '';
      try {
        const parsed = (JSON.parse(raw) as { eventId?: unknown }).eventId;
        if (typeof parsed === 'string') eventId = parsed;
      } catch {
        // recorded with an empty event id: a relay must never send this
      }
      const attempt = this.requests.filter((r) => r.eventId === eventId).length + 1;
      const request: TargetRequest = { eventId, attempt, start: Date.now() };
      this.requests.push(request);
      const plan = behaviour({ eventId, attempt });
      const timer =
        plan === 'hang'
          ? undefined
          : setTimeout(() => {
              request.end = Date.now();
              request.outcome = 'answered';
              request.status = plan.status;
              res.writeHead(plan.status).end();
            }, plan.delayMs);
      res.on('close', () => {
        clearTimeout(timer);
        if (res.writableFinished || this.closing) return;
        request.end = Date.now();
        request.outcome = 'aborted by client';
      });
    });
  }
}

export function isCompleted(request: TargetRequest): boolean {
  return request.outcome === 'answered' && request.status !== undefined && request.status < 300;
}

/** Most requests open at the same instant; one that ends as another starts does not overlap it. */
function maxOverlap(requests: readonly TargetRequest[]): number {
  const edges = requests.flatMap((r) => [
    { at: r.start, delta: 1 },
    { at: r.end ?? Infinity, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let max = 0;
  for (const edge of edges) {
    open += edge.delta;
    max = Math.max(max, open);
  }
  return max;
}
