import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobFailure, UsageError } from '../errors';
import { fakeFetch, hangUntilAborted, testContext } from '../testing/fakes';
import { checkEndpoints } from './check-endpoints';

const urls = ['https://www.example.com/healthz', 'https://api.example.com/ping'];

describe('check-endpoints', () => {
  afterEach(() => vi.useRealTimers());

  it('passes when every URL answers 2xx, and reports each one', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.url.includes('api') ? new Response(null, { status: 204 }) : new Response('ok'),
    );
    const { ctx, lines } = testContext({ args: urls, fetch });

    await expect(checkEndpoints.run(ctx)).resolves.toBe('all 2 endpoints answered 2xx within 5 s');
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', urls[0]],
      ['GET', urls[1]],
    ]);
    expect(lines.map((l) => [l['level'], l['url'], l['status']])).toEqual([
      ['info', urls[0], 200],
      ['info', urls[1], 204],
    ]);
  });

  it('fails on a non-2xx answer, naming the URL and the status', async () => {
    const { fetch } = fakeFetch((r) => new Response('down', { status: r.url.includes('api') ? 503 : 200 }));
    const { ctx, lines } = testContext({ args: urls, fetch });

    const run = checkEndpoints.run(ctx);
    await expect(run).rejects.toThrow(JobFailure);
    await expect(run).rejects.toThrow('1 of 2 endpoints failed: https://api.example.com/ping (HTTP 503)');
    expect(lines.find((l) => l['level'] === 'error')).toMatchObject({ url: urls[1], status: 503 });
  });

  it('fails an endpoint that does not answer within 5 s, and aborts its request', async () => {
    vi.useFakeTimers();
    const { fetch, requests } = fakeFetch(hangUntilAborted);
    const { ctx } = testContext({ args: [urls[0]!], fetch });

    const run = checkEndpoints.run(ctx);
    const outcome = run.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(requests[0]!.signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toBe(
      '1 of 1 endpoints failed: https://www.example.com/healthz (no response within 5 s)',
    );
    expect(requests[0]!.signal!.aborted).toBe(true);
  });

  it('reports a connection error with its cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError('fetch failed', { cause: refused })));
    const { ctx } = testContext({ args: [urls[1]!], fetch });

    await expect(checkEndpoints.run(ctx)).rejects.toThrow(
      'https://api.example.com/ping (request failed: fetch failed: ECONNREFUSED connect ECONNREFUSED 10.0.0.1:443)',
    );
  });

  it('is a usage error without URLs or with something that is not an http(s) URL', async () => {
    await expect(checkEndpoints.run(testContext().ctx)).rejects.toThrow(UsageError);
    await expect(checkEndpoints.run(testContext({ args: ['ftp://example.com'] }).ctx)).rejects.toThrow(
      '"ftp://example.com" is not an http(s) URL',
    );
  });
});
