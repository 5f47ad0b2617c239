import type { Env } from '../env';
import { abortReason } from '../errors';
import { createLogger } from '../log';
import type { TaskContext } from '../task';
import type { PeerCertificateInfo, TlsProbe } from '../tls-probe';

/** Test doubles for the task context: no network, a fixed clock, log lines captured as objects. */

export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function fakeFetch(handler: Handler): { fetch: typeof globalThis.fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const text = typeof init.body === 'string' ? init.body : undefined;
    const request: RecordedRequest = {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    init.signal?.throwIfAborted();
    return handler(request);
  };
  return { fetch, requests };
}

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A server that never answers: the promise only settles when the request's signal aborts. */
export const hangUntilAborted: Handler = (request) =>
  new Promise((_, reject) => {
    const signal = request.signal;
    if (!signal) return;
    signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });

export const certificate = (
  validTo: string,
  overrides: Partial<PeerCertificateInfo> = {},
): PeerCertificateInfo => ({
  subject: 'example.com',
  issuer: 'Example CA',
  validTo: new Date(validTo),
  authorized: true,
  ...overrides,
});

export interface TestContext {
  readonly ctx: TaskContext;
  readonly lines: Record<string, unknown>[];
  readonly sleeps: number[];
}

export interface TestContextOptions {
  readonly args?: readonly string[];
  readonly env?: Env;
  readonly fetch?: typeof globalThis.fetch;
  readonly probeTls?: TlsProbe;
  readonly now?: string;
  readonly signal?: AbortSignal;
}

export function testContext(options: TestContextOptions = {}): TestContext {
  const lines: Record<string, unknown>[] = [];
  const sleeps: number[] = [];
  const now = () => new Date(options.now ?? '2026-11-22T00:00:00Z');
  const unused = (what: string) => () => Promise.reject(new Error(`test did not expect ${what}`));
  return {
    lines,
    sleeps,
    ctx: {
      args: options.args ?? [],
      env: options.env ?? {},
      fetch: options.fetch ?? unused('an HTTP request'),
      probeTls: options.probeTls ?? unused('a TLS connection'),
      now,
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return signal.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve();
      },
      signal: options.signal ?? new AbortController().signal,
      log: createLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>), now, {
        job: 'test-job',
        task: 'test',
      }),
    },
  };
}
