import type { z } from 'zod';
import { describeError, JobFailure } from './errors';
import type { TaskContext } from './task';

/** Internal APIs answer in well under this; a hung connection must not eat the job's timeout. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * Runs `fn` with a signal that aborts after `ms` or when `parent` aborts. A timeout surfaces as
 * TimeoutError; a parent abort (SIGTERM) as the parent's reason, so the runner can tell them apart.
 * A plain timer rather than AbortSignal.timeout, so tests can drive it with fake timers.
 */
export async function withTimeout<T>(
  parent: AbortSignal,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new TimeoutError(`no response within ${ms / 1000} s`)), ms);
  try {
    return await fn(AbortSignal.any([parent, timer.signal]));
  } catch (error) {
    if (parent.aborted) throw parent.reason;
    if (timer.signal.aborted) throw timer.signal.reason;
    throw error;
  } finally {
    clearTimeout(handle);
  }
}

export interface JsonRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/** Where a request went, for messages: no query string (it may carry tokens). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Calls a JSON API and validates the answer. Every way it can go wrong becomes a JobFailure
 * naming `what` and the problem; a stop signal passes through untouched.
 */
export async function requestJson<S extends z.ZodType>(
  ctx: Pick<TaskContext, 'fetch' | 'signal'>,
  what: string,
  url: URL,
  schema: S,
  request: JsonRequest = {},
): Promise<z.output<S>> {
  const { method = 'GET', headers = {}, body, timeoutMs = DEFAULT_TIMEOUT_MS } = request;
  let status = 0;
  let text: string;
  try {
    text = await withTimeout(ctx.signal, timeoutMs, async (signal) => {
      const response = await ctx.fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
      status = response.status;
      return response.text();
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new JobFailure(`${what} (${method} ${describeUrl(url)}): ${describeError(error)}`);
  }
  if (status < 200 || status > 299) {
    throw new JobFailure(`${what} (${method} ${describeUrl(url)}) answered HTTP ${status}: ${snippet(text)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JobFailure(`${what} (${method} ${describeUrl(url)}) did not return JSON: ${snippet(text)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more problems)` : '';
    throw new JobFailure(`${what} returned a malformed payload: ${shown.join('; ')}${more}`);
  }
  return parsed.data;
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (!oneLine) return '(empty body)';
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
