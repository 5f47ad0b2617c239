import { describe, expect, it } from 'vitest';
import { JobFailure, UsageError } from '../errors';
import { fakeFetch, json, testContext } from '../testing/fakes';
import { partnerSync } from './partner-sync';

const env = { PARTNER_API_URL: 'https://partner.example.com/v2/inventory', PARTNER_API_KEY: 'k-123' };
const item = (sku: string, quantity: unknown) => ({ sku, quantity, updatedAt: '2026-11-21T23:55:00Z' });

describe('partner-sync', () => {
  it('sends the API key and reports the counts', async () => {
    const { fetch, requests } = fakeFetch(() =>
      json({ items: [item('A-1', 5), item('A-2', 0), item('A-3', 12)] }),
    );
    const { ctx, lines } = testContext({ env, fetch });

    await expect(partnerSync.run(ctx)).resolves.toBe('received 3 items: 2 in stock, 1 out of stock');
    expect(requests[0]).toMatchObject({ url: env.PARTNER_API_URL, method: 'GET' });
    expect(requests[0]!.headers['x-api-key']).toBe('k-123');
    expect(lines[0]).toMatchObject({
      message: 'partner inventory received',
      items: 3,
      inStock: 2,
      outOfStock: 1,
    });
  });

  it('fails on a malformed payload, naming the item and field', async () => {
    const { fetch } = fakeFetch(() => json({ items: [item('A-1', 5), item('A-2', '7')] }));
    const run = partnerSync.run(testContext({ env, fetch }).ctx);
    await expect(run).rejects.toThrow(JobFailure);
    await expect(run).rejects.toThrow(
      'partner API returned a malformed payload: items.1.quantity: Invalid input: expected number, received string',
    );
  });

  it('fails on duplicate SKUs', async () => {
    const { fetch } = fakeFetch(() => json({ items: [item('A-1', 5), item('A-1', 3)] }));
    await expect(partnerSync.run(testContext({ env, fetch }).ctx)).rejects.toThrow(
      'partner API returned 1 duplicate SKUs in 2 items',
    );
  });

  it('fails when the key is rejected, without echoing it', async () => {
    const { fetch } = fakeFetch(() => new Response('{"error":"invalid api key"}', { status: 401 }));
    const error = (await partnerSync.run(testContext({ env, fetch }).ctx).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'partner API (GET https://partner.example.com/v2/inventory) answered HTTP 401: {"error":"invalid api key"}',
    );
    expect(error.message).not.toContain('k-123');
  });

  it('names the missing key', async () => {
    const run = partnerSync.run(testContext({ env: { PARTNER_API_URL: env.PARTNER_API_URL } }).ctx);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow('environment variable PARTNER_API_KEY is not set');
  });
});
