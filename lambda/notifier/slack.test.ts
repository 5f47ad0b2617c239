import { describe, expect, it } from 'vitest';
import type { SlackMessage } from './message';
import { SlackClient, SlackRejected, SlackUnavailable, type SlackCredentials } from './slack';

const message: SlackMessage = { text: 'nightly-report failed', blocks: [] };
const token: SlackCredentials = { botToken: 'xoxb-secret-token' };

interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

/** A Slack stand-in answering each call with the next response; records calls and waits. */
function fakeSlack(responses: (() => Response)[], budgetMs = 100_000) {
  const calls: Call[] = [];
  const waits: number[] = [];
  const fetchFake = ((url: string, init: RequestInit) => {
    calls.push({
      url,
      headers: init.headers as Record<string, string>,
      body: JSON.parse(init.body as string) as Record<string, unknown>,
    });
    const next = responses.shift();
    if (!next) return Promise.reject(new Error('no more responses'));
    try {
      return Promise.resolve(next());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }) as unknown as typeof fetch;
  const deps = {
    fetch: fetchFake,
    sleep: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
    budgetMs: () => budgetMs,
  };
  return { calls, waits, deps };
}

const ok =
  (body: Record<string, unknown> = { ok: true, channel: 'C123', ts: '1732410000.000100' }) =>
  () =>
    new Response(JSON.stringify(body), { status: 200 });
const status =
  (code: number, headers: Record<string, string> = {}) =>
  () =>
    new Response('', { status: code, headers });

describe('posting to Slack', () => {
  it('posts with the bot token in the header only, and returns where the message is', async () => {
    const slack = fakeSlack([ok()]);
    const posted = await new SlackClient(() => Promise.resolve(token), slack.deps).post(
      '#sre-batch',
      message,
    );
    expect(posted).toEqual({ channel: 'C123', ts: '1732410000.000100' });
    expect(slack.calls[0]!.url).toBe('https://slack.com/api/chat.postMessage');
    expect(slack.calls[0]!.headers['authorization']).toBe('Bearer xoxb-secret-token');
    expect(JSON.stringify(slack.calls[0]!.body)).not.toContain('xoxb');
    expect(slack.calls[0]!.body).toMatchObject({ channel: '#sre-batch', text: 'nightly-report failed' });
  });

  it('replies in a thread and updates a message', async () => {
    const slack = fakeSlack([ok(), ok({ ok: true })]);
    const client = new SlackClient(() => Promise.resolve(token), slack.deps);
    await client.post('#sre-batch', message, '111.222');
    await client.update({ channel: 'C123', ts: '111.222' }, message);
    expect(slack.calls[0]!.body['thread_ts']).toBe('111.222');
    expect(slack.calls[1]!.url).toBe('https://slack.com/api/chat.update');
    expect(slack.calls[1]!.body).toMatchObject({ channel: 'C123', ts: '111.222' });
  });

  it('waits as long as a 429 says (Retry-After), then posts', async () => {
    const slack = fakeSlack([status(429, { 'retry-after': '7' }), ok()]);
    await new SlackClient(() => Promise.resolve(token), slack.deps).post('#sre-batch', message);
    expect(slack.waits).toEqual([7000]);
    expect(slack.calls).toHaveLength(2);
  });

  it('backs off 1, 2, 4 s on 5xx and network errors, then gives the message back to the queue', async () => {
    const slack = fakeSlack([
      status(503),
      () => {
        throw new TypeError('fetch failed');
      },
      status(500),
      status(502),
    ]);
    await expect(
      new SlackClient(() => Promise.resolve(token), slack.deps).post('#sre-batch', message),
    ).rejects.toThrow(new SlackUnavailable('Slack answered 502 after 4 attempts'));
    expect(slack.waits).toEqual([1000, 2000, 4000]);
  });

  it('does not wait past what the invocation has left, or past 30 s: the queue retries later', async () => {
    const long = fakeSlack([status(429, { 'retry-after': '120' })]);
    await expect(
      new SlackClient(() => Promise.resolve(token), long.deps).post('#a', message),
    ).rejects.toThrow(/rate limited \(429, Retry-After 120\); waiting 120000 ms does not fit/);
    const late = fakeSlack([status(429, { 'retry-after': '5' })], 4000);
    await expect(
      new SlackClient(() => Promise.resolve(token), late.deps).post('#a', message),
    ).rejects.toThrow(SlackUnavailable);
    expect([long.waits, late.waits]).toEqual([[], []]);
  });

  it('treats ok:false ratelimited as a retry, and a refusal as final with the fix', async () => {
    const limited = fakeSlack([ok({ ok: false, error: 'ratelimited' }), ok()]);
    await new SlackClient(() => Promise.resolve(token), limited.deps).post('#a', message);
    expect(limited.waits).toEqual([1000]);

    const refused = fakeSlack([ok({ ok: false, error: 'not_in_channel' })]);
    await expect(
      new SlackClient(() => Promise.resolve(token), refused.deps).post('#a', message),
    ).rejects.toThrow(
      new SlackRejected(
        'Slack refused the message: not_in_channel (invite the bot to the channel: /invite @<bot>)',
      ),
    );
    expect(refused.calls).toHaveLength(1);
    const forbidden = fakeSlack([status(403)]);
    await expect(
      new SlackClient(() => Promise.resolve(token), forbidden.deps).post('#a', message),
    ).rejects.toThrow(SlackRejected);
  });

  it('with an incoming webhook: posts to it, cannot thread, and an update is nothing to do', async () => {
    const slack = fakeSlack([() => new Response('ok', { status: 200 })]);
    const client = new SlackClient(
      () => Promise.resolve({ webhookUrl: 'https://hooks.slack.com/services/T/B/x' }),
      slack.deps,
    );
    expect(await client.post('#a', message, '1.2')).toBeUndefined();
    await client.update({ channel: 'C1', ts: '1.2' }, message);
    expect(slack.calls.map((c) => c.url)).toEqual(['https://hooks.slack.com/services/T/B/x']);
    expect(slack.calls[0]!.body).toEqual({ text: message.text, blocks: [] });
  });
});
