import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { addDays, formatDate, jobTimeZone, localDate, previousMonth } from './dates';
import { joinUrl, requireUrlEnv } from './env';
import { JobFailure, UsageError } from './errors';
import { requestJson } from './http';
import { fakeFetch, hangUntilAborted, json } from './testing/fakes';

describe('dates', () => {
  it('answers calendar questions in the job time zone, not the container UTC clock', () => {
    const at = new Date('2026-11-30T15:30:00Z'); // 00:30 JST on 1 December
    expect(previousMonth(localDate(at, 'Asia/Tokyo'))).toBe('2026-11');
    expect(previousMonth(localDate(at, 'UTC'))).toBe('2026-10');
    expect(formatDate(addDays(localDate(new Date('2027-03-01T00:00:00Z'), 'Asia/Tokyo'), -1))).toBe(
      '2027-02-28',
    );
  });

  it('rejects a time zone Intl does not know', () => {
    expect(jobTimeZone({})).toBe('Asia/Tokyo');
    expect(() => jobTimeZone({ JOB_TIME_ZONE: 'JST' })).toThrow(UsageError);
    expect(() => jobTimeZone({ JOB_TIME_ZONE: 'Mars/Olympus_Mons' })).toThrow(UsageError);
    expect(jobTimeZone({ JOB_TIME_ZONE: 'Europe/London' })).toBe('Europe/London');
  });
});

describe('env', () => {
  it('joins paths without dropping the base path', () => {
    expect(joinUrl(new URL('https://billing.example.com/v1'), 'invoice-runs', 'a b').href).toBe(
      'https://billing.example.com/v1/invoice-runs/a%20b',
    );
    expect(joinUrl(new URL('https://billing.example.com/v1/'), 'x').href).toBe(
      'https://billing.example.com/v1/x',
    );
  });

  it('does not echo a URL variable that is invalid (it may be a secret)', () => {
    expect(() => requireUrlEnv({ HOOK: 'ftp://secret@host' }, 'HOOK', 'a webhook')).toThrow(
      'environment variable HOOK must be an http(s) URL (a webhook), not ftp:',
    );
  });
});

describe('requestJson', () => {
  const ctx = (fetch: typeof globalThis.fetch) => ({ fetch, signal: new AbortController().signal });

  it('times out after 30 s by default, as a JobFailure', async () => {
    vi.useFakeTimers();
    try {
      const { fetch } = fakeFetch(hangUntilAborted);
      const result = requestJson(
        ctx(fetch),
        'status API',
        new URL('https://s.example.com/x?token=t'),
        z.object({}),
      );
      const settled = result.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(30_000);
      const error = await settled;
      expect(error).toBeInstanceOf(JobFailure);
      // No query string in messages: it may carry a token.
      expect((error as Error).message).toBe(
        'status API (GET https://s.example.com/x): no response within 30 s',
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports how many schema problems it did not show', async () => {
    const { fetch } = fakeFetch(() => json({}));
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    await expect(requestJson(ctx(fetch), 'x API', new URL('https://x.example.com'), schema)).rejects.toThrow(
      /\(and 1 more problems\)$/,
    );
  });
});
