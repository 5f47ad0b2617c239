import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { fakeFetch, json, testContext } from '../testing/fakes';
import { salesReport } from './sales-report';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/secret';
const env = { REPORT_API_URL: 'https://reports.internal.example.com/v1/sales', SLACK_WEBHOOK_URL: WEBHOOK };
// The job runs at 03:00 JST on the 23rd, which is still the 22nd (18:00) in UTC.
const NOW = '2026-11-22T18:00:00Z';

const report = {
  date: '2026-11-22',
  currency: 'JPY',
  orders: 1234,
  revenue: 5678900,
  topProducts: [
    { name: 'Kettle', units: 40, revenue: 320000 },
    { name: 'Teapot', units: 120, revenue: 480000 },
  ],
};

describe('sales-report', () => {
  it('asks for yesterday in Tokyo time and posts the summary', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.url.startsWith(WEBHOOK) ? new Response('ok') : json(report),
    );
    const { ctx } = testContext({ env, fetch, now: NOW });

    await expect(salesReport.run(ctx)).resolves.toBe('posted the sales report for 2026-11-22: 1234 orders');
    expect(requests[0]!.url).toBe(`${env.REPORT_API_URL}?date=2026-11-22`);
    expect(requests[1]!.body).toEqual({
      text: [
        '*Sales 2026-11-22*: 1,234 orders, ¥5,678,900 revenue, average ¥4,602',
        '1. Teapot: 120 units, ¥480,000',
        '2. Kettle: 40 units, ¥320,000',
      ].join('\n'),
    });
  });

  it('follows JOB_TIME_ZONE when a job sets one', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.url.startsWith(WEBHOOK) ? new Response('ok') : json({ ...report, date: '2026-11-21' }),
    );
    const { ctx } = testContext({ env: { ...env, JOB_TIME_ZONE: 'America/New_York' }, fetch, now: NOW });
    await salesReport.run(ctx);
    expect(requests[0]!.url).toBe(`${env.REPORT_API_URL}?date=2026-11-21`);
  });

  it('fails when the API answers with another day, and posts nothing', async () => {
    const { fetch, requests } = fakeFetch(() => json({ ...report, date: '2026-11-21' }));
    const { ctx } = testContext({ env, fetch, now: NOW });
    await expect(salesReport.run(ctx)).rejects.toThrow(
      'sales report API returned the report for 2026-11-21, not 2026-11-22',
    );
    expect(requests).toHaveLength(1);
  });

  it('fails on an API error with its status and body', async () => {
    const { fetch } = fakeFetch(() => new Response('upstream timeout', { status: 504 }));
    const { ctx } = testContext({ env, fetch, now: NOW });
    await expect(salesReport.run(ctx)).rejects.toThrow(
      'sales report API (GET https://reports.internal.example.com/v1/sales) answered HTTP 504: upstream timeout',
    );
  });

  it('names a missing or invalid variable', async () => {
    await expect(salesReport.run(testContext({ env: { SLACK_WEBHOOK_URL: WEBHOOK } }).ctx)).rejects.toThrow(
      'environment variable REPORT_API_URL is not set',
    );
    const run = salesReport.run(testContext({ env: { ...env, SLACK_WEBHOOK_URL: 'not a url' } }).ctx);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow('environment variable SLACK_WEBHOOK_URL is not a URL');
  });
});
