import { describe, expect, it } from 'vitest';
import { fakeFetch, json, testContext } from '../testing/fakes';
import { sessionCleanup } from './session-cleanup';

const env = { SESSION_API_URL: 'https://sessions.internal.example.com' };

describe('session-cleanup', () => {
  it('deletes sessions that expired before now and reports how many', async () => {
    const { fetch, requests } = fakeFetch(() => json({ deleted: 1532 }));
    const { ctx } = testContext({ env, fetch, now: '2026-11-22T00:15:00Z' });

    await expect(sessionCleanup.run(ctx)).resolves.toBe('deleted 1532 expired sessions');
    expect(requests[0]).toMatchObject({
      method: 'DELETE',
      url: 'https://sessions.internal.example.com/sessions?expiredBefore=2026-11-22T00%3A15%3A00.000Z',
    });
  });

  it('fails when the session service errors', async () => {
    const { fetch } = fakeFetch(() => new Response('database is read-only', { status: 503 }));
    await expect(sessionCleanup.run(testContext({ env, fetch }).ctx)).rejects.toThrow(
      'session API (DELETE https://sessions.internal.example.com/sessions) answered HTTP 503: database is read-only',
    );
  });

  it('fails on an answer that is not JSON', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>login</html>'));
    await expect(sessionCleanup.run(testContext({ env, fetch }).ctx)).rejects.toThrow(
      'session API (DELETE https://sessions.internal.example.com/sessions) did not return JSON: <html>login</html>',
    );
  });
});
