import { describe, expect, it } from 'vitest';
import { JobFailure, UsageError } from '../errors';
import { POLL_INTERVAL_MS } from '../operations';
import { fakeFetch, json, testContext } from '../testing/fakes';
import { invoiceRun } from './invoice-run';

const env = { BILLING_API_URL: 'https://billing.internal.example.com/v1', BILLING_API_TOKEN: 't0ken' };
// 00:30 JST on 1 December is 15:30 UTC on 30 November: the month to invoice is November.
const NOW = '2026-11-30T15:30:00Z';

function billing(statuses: Record<string, unknown>[]) {
  let polls = 0;
  return fakeFetch((r) =>
    r.method === 'POST' ? json({ id: 'run-7', status: 'queued' }, 202) : json(statuses[polls++]),
  );
}

describe('invoice-run', () => {
  it("issues last month's invoices (in Tokyo time) and waits until billing reports success", async () => {
    const { fetch, requests } = billing([
      { id: 'run-7', status: 'running' },
      { id: 'run-7', status: 'succeeded', invoicesIssued: 312 },
    ]);
    const { ctx, sleeps } = testContext({ args: ['--previous-month'], env, fetch, now: NOW });

    await expect(invoiceRun.run(ctx)).resolves.toBe(
      'invoice run run-7 for 2026-11 succeeded: 312 invoices issued',
    );
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: 'https://billing.internal.example.com/v1/invoice-runs',
      body: { period: '2026-11' },
    });
    expect(requests[0]!.headers).toMatchObject({
      authorization: 'Bearer t0ken',
      'idempotency-key': 'invoice-run-2026-11',
    });
    expect(requests.slice(1).map((r) => [r.method, r.url])).toEqual([
      ['GET', 'https://billing.internal.example.com/v1/invoice-runs/run-7'],
      ['GET', 'https://billing.internal.example.com/v1/invoice-runs/run-7'],
    ]);
    expect(sleeps).toEqual([POLL_INTERVAL_MS, POLL_INTERVAL_MS]);
  });

  it('takes an explicit --period, and January invoices December of the year before', async () => {
    const { fetch, requests } = billing([{ id: 'run-7', status: 'succeeded' }]);
    await invoiceRun.run(testContext({ args: ['--period', '2026-10'], env, fetch, now: NOW }).ctx);
    expect(requests[0]!.body).toEqual({ period: '2026-10' });

    const january = billing([{ id: 'run-8', status: 'succeeded' }]);
    await invoiceRun.run(
      testContext({ args: ['--previous-month'], env, fetch: january.fetch, now: '2026-12-31T15:30:00Z' }).ctx,
    );
    expect(january.requests[0]!.body).toEqual({ period: '2026-12' });
  });

  it('fails when billing reports the run failed, with its reason', async () => {
    const { fetch } = billing([{ id: 'run-7', status: 'failed', message: 'tax service unavailable' }]);
    const run = invoiceRun.run(testContext({ args: ['--previous-month'], env, fetch, now: NOW }).ctx);
    await expect(run).rejects.toThrow(JobFailure);
    await expect(run).rejects.toThrow('billing API: operation run-7 failed: tax service unavailable');
  });

  it('fails on a rejected token', async () => {
    const { fetch } = fakeFetch(() => new Response('unauthorized', { status: 401 }));
    await expect(
      invoiceRun.run(testContext({ args: ['--previous-month'], env, fetch, now: NOW }).ctx),
    ).rejects.toThrow(
      'billing API (POST https://billing.internal.example.com/v1/invoice-runs) answered HTTP 401',
    );
  });

  it.each([[[]], [['--previous-month', '--period', '2026-10']], [['--period', '2026-13']]])(
    'is a usage error for %j',
    async (args) => {
      const run = invoiceRun.run(testContext({ args, env, now: NOW }).ctx);
      await expect(run).rejects.toThrow(UsageError);
      await expect(run).rejects.toThrow('needs exactly one of --previous-month or --period YYYY-MM');
    },
  );

  it('names the missing token before calling anything', async () => {
    const run = invoiceRun.run(
      testContext({ args: ['--previous-month'], env: { BILLING_API_URL: env.BILLING_API_URL } }).ctx,
    );
    await expect(run).rejects.toThrow('environment variable BILLING_API_TOKEN is not set');
  });
});
