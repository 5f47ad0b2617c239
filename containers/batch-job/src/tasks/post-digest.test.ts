import { describe, expect, it } from 'vitest';
import { JobFailure, UsageError } from '../errors';
import { fakeFetch, json, testContext } from '../testing/fakes';
import { postDigest } from './post-digest';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/secret-token';
const env = { DIGEST_API_URL: 'https://status.internal.example.com/v1/digest', SLACK_WEBHOOK_URL: WEBHOOK };
const NOW = '2026-11-23T00:00:00Z'; // 09:00 JST, Monday

const digest = {
  incidents: [
    { id: 'INC-42', title: 'Checkout latency', severity: 'SEV2', openedAt: '2026-11-22T19:00:00Z' },
    { id: 'INC-40', title: 'Search errors', severity: 'SEV1', openedAt: '2026-11-22T21:30:00Z' },
  ],
  deploys: [
    { service: 'api', version: '1.4.2', deployedAt: '2026-11-22T10:00:00Z' },
    { service: 'web', version: '2026.11.20-1', deployedAt: '2026-11-20T10:00:00Z' }, // older than 24 h
  ],
};

describe('post-digest', () => {
  it('fetches the last 24 h and posts a summary to the Slack webhook', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.url.startsWith(WEBHOOK) ? new Response('ok') : json(digest),
    );
    const { ctx } = testContext({ env, fetch, now: NOW });

    await expect(postDigest.run(ctx)).resolves.toBe('posted the digest: 2 open incidents, 1 deploys');
    expect(requests[0]!.url).toBe(`${env.DIGEST_API_URL}?since=2026-11-22T00%3A00%3A00.000Z`);
    expect(requests[1]).toMatchObject({ url: WEBHOOK, method: 'POST' });
    expect(requests[1]!.body).toEqual({
      text: [
        '*Stand-up digest*',
        'Open incidents (2):',
        '• SEV1 INC-40 Search errors (open 2 h)',
        '• SEV2 INC-42 Checkout latency (open 5 h)',
        'Deploys in the last 24 h (1): api 1.4.2',
      ].join('\n'),
    });
  });

  it('fails with a clear message when the digest API sends something else, and posts nothing', async () => {
    const { fetch, requests } = fakeFetch(() => json({ incidents: 'none' }));
    const { ctx } = testContext({ env, fetch, now: NOW });

    await expect(postDigest.run(ctx)).rejects.toThrow(
      'digest API returned a malformed payload: incidents: Invalid input: expected array, received string; deploys: Invalid input: expected array, received undefined',
    );
    expect(requests).toHaveLength(1);
  });

  it('fails when Slack rejects the post, without revealing the webhook URL', async () => {
    const { fetch } = fakeFetch((r) =>
      r.url.startsWith(WEBHOOK)
        ? new Response('no_service', { status: 404 })
        : json({ incidents: [], deploys: [] }),
    );
    const { ctx } = testContext({ env, fetch, now: NOW });

    const error = await postDigest.run(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailure);
    expect((error as Error).message).toBe(
      'Slack rejected the message with HTTP 404 "no_service" (is SLACK_WEBHOOK_URL revoked?)',
    );
    expect((error as Error).message).not.toContain('secret-token');
  });

  it('names a missing variable', async () => {
    const run = postDigest.run(testContext({ env: { DIGEST_API_URL: env.DIGEST_API_URL } }).ctx);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow('environment variable SLACK_WEBHOOK_URL is not set');
  });
});
