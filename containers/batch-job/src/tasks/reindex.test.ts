import { describe, expect, it } from 'vitest';
import { StopSignal } from '../errors';
import { fakeFetch, json, testContext } from '../testing/fakes';
import { reindex } from './reindex';

const env = { SEARCH_ADMIN_URL: 'https://search.internal.example.com/admin' };

describe('reindex', () => {
  it('starts a rebuild and polls it until it succeeds', async () => {
    const statuses = ['running', 'running', 'succeeded'];
    const { fetch, requests } = fakeFetch((r) =>
      r.method === 'POST'
        ? json({ id: 'rb-1', status: 'queued' })
        : json({ id: 'rb-1', status: statuses.shift() }),
    );
    const { ctx, lines } = testContext({ env, fetch });

    await expect(reindex.run(ctx)).resolves.toBe('search index rebuild rb-1 succeeded');
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST https://search.internal.example.com/admin/reindex',
      'GET https://search.internal.example.com/admin/reindex/rb-1',
      'GET https://search.internal.example.com/admin/reindex/rb-1',
      'GET https://search.internal.example.com/admin/reindex/rb-1',
    ]);
    // Progress is logged on change, not on every poll.
    expect(lines.map((l) => l['message'])).toEqual([
      'search admin API: operation rb-1 queued',
      'search admin API: operation rb-1 running',
      'search admin API: operation rb-1 succeeded',
    ]);
  });

  it('fails when the rebuild fails', async () => {
    const { fetch } = fakeFetch(() =>
      json({ id: 'rb-1', status: 'failed', message: 'mapping conflict on field sku' }),
    );
    await expect(reindex.run(testContext({ env, fetch }).ctx)).rejects.toThrow(
      'search admin API: operation rb-1 failed: mapping conflict on field sku',
    );
  });

  it('fails on an unknown status rather than polling forever', async () => {
    const { fetch } = fakeFetch(() => json({ id: 'rb-1', status: 'paused' }));
    await expect(reindex.run(testContext({ env, fetch }).ctx)).rejects.toThrow(
      'search admin API returned a malformed payload: status:',
    );
  });

  it('stops waiting as soon as the stop signal aborts', async () => {
    const controller = new AbortController();
    const { fetch } = fakeFetch(() => {
      controller.abort(new StopSignal('SIGTERM'));
      return json({ id: 'rb-1', status: 'running' });
    });
    const { ctx, sleeps } = testContext({ env, fetch, signal: controller.signal });
    await expect(reindex.run(ctx)).rejects.toBeInstanceOf(StopSignal);
    expect(sleeps).toHaveLength(1);
  });
});
