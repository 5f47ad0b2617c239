import { describe, expect, it } from 'vitest';
import type { SlackMessage } from './message';
import { SlackClient, SlackRejected, SlackUnavailable, type SlackCredentials } from './slack';

const message: SlackMessage = { text: 'nightly-report failed', blocks: [] };
const token: SlackCredentials = { botToken: 'xoxb-secret-token' };

interface Call {
  readonly url: string;
  readonly method: string | undefined;
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
      method: init.method,
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

  it('sends a JSON POST and asks Slack not to unfold links', async () => {
    const slack = fakeSlack([ok()]);
    await new SlackClient(() => Promise.resolve(token), slack.deps).post('#a', message);
    expect(slack.calls[0]!.method).toBe('POST');
    expect(slack.calls[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(slack.calls[0]!.body['unfurl_links']).toBe(false);
  });

  it.each([
    ['0', '0'],
    ['soon', 'soon'],
    [undefined, 'not given'],
  ])('falls back to its own back-off when Retry-After is %s', async (header, shown) => {
    const slack = fakeSlack(
      Array.from({ length: 4 }, () => status(429, header === undefined ? {} : { 'retry-after': header })),
    );
    await expect(
      new SlackClient(() => Promise.resolve(token), slack.deps).post('#a', message),
    ).rejects.toThrow(new SlackUnavailable(`rate limited (429, Retry-After ${shown}) after 4 attempts`));
    expect(slack.waits).toEqual([1000, 2000, 4000]);
  });

  it('waits for a Retry-After of exactly the budget, and of exactly 30 s', async () => {
    const budget = fakeSlack([status(429, { 'retry-after': '7' }), ok()], 7000);
    await new SlackClient(() => Promise.resolve(token), budget.deps).post('#a', message);
    const thirty = fakeSlack([status(429, { 'retry-after': '30' }), ok()]);
    await new SlackClient(() => Promise.resolve(token), thirty.deps).post('#a', message);
    expect([budget.waits, thirty.waits]).toEqual([[7000], [30_000]]);
  });

  it('does not wait past 30 s even when the invocation has minutes left', async () => {
    const slack = fakeSlack([status(429, { 'retry-after': '31' })], 600_000);
    await expect(
      new SlackClient(() => Promise.resolve(token), slack.deps).post('#a', message),
    ).rejects.toThrow(/waiting 31000 ms does not fit/);
    expect(slack.waits).toEqual([]);
  });

  it('gives the message back at once when even the first back-off does not fit', async () => {
    const slack = fakeSlack([status(503)], 999);
    await expect(
      new SlackClient(() => Promise.resolve(token), slack.deps).post('#a', message),
    ).rejects.toThrow(
      new SlackUnavailable('Slack answered 503; waiting 1000 ms does not fit, the queue retries later'),
    );
    expect(slack.waits).toEqual([]);
  });

  it.each(['service_unavailable', 'internal_error'])('retries ok:false %s', async (error) => {
    const slack = fakeSlack([ok({ ok: false, error }), ok()]);
    const posted = await new SlackClient(() => Promise.resolve(token), slack.deps).post('#a', message);
    expect(posted).toEqual({ channel: 'C123', ts: '1732410000.000100' });
    expect(slack.waits).toEqual([1000]);
  });

  it('names the ok:false error it kept retrying, and what the network said', async () => {
    const limited = fakeSlack(Array.from({ length: 4 }, () => ok({ ok: false, error: 'internal_error' })));
    await expect(
      new SlackClient(() => Promise.resolve(token), limited.deps).post('#a', message),
    ).rejects.toThrow(
      new SlackUnavailable('Slack did not answer: Slack answered internal_error after 4 attempts'),
    );
    const down = fakeSlack(
      Array.from({ length: 4 }, () => () => {
        throw new TypeError('fetch failed');
      }),
    );
    await expect(
      new SlackClient(() => Promise.resolve(token), down.deps).post('#a', message),
    ).rejects.toThrow(new SlackUnavailable('Slack did not answer: fetch failed after 4 attempts'));
  });

  it.each([
    ['channel_not_found', 'the channel does not exist or is private: check notify in config/'],
    ['not_in_channel', 'invite the bot to the channel: /invite @<bot>'],
    ['invalid_auth', 'the bot token in the Slack secret is wrong or revoked'],
    ['not_authed', 'the Slack secret holds no bot token'],
    ['account_inactive', 'the bot token belongs to a deactivated app or workspace'],
    ['missing_scope', 'the Slack app needs the chat:write scope'],
  ])('refuses %s with the fix', async (error, hint) => {
    const slack = fakeSlack([ok({ ok: false, error })]);
    const refused = new SlackClient(() => Promise.resolve(token), slack.deps).post('#a', message);
    await expect(refused).rejects.toThrow(new SlackRejected(`Slack refused the message: ${error} (${hint})`));
    await expect(refused).rejects.toHaveProperty('name', 'SlackRejected');
  });

  it('refuses an error it has no hint for, and an HTTP 4xx, with what Slack said', async () => {
    const unknown = fakeSlack([ok({ ok: false, error: 'msg_too_long' })]);
    await expect(
      new SlackClient(() => Promise.resolve(token), unknown.deps).post('#a', message),
    ).rejects.toThrow(new SlackRejected('Slack refused the message: msg_too_long'));
    const forbidden = fakeSlack([() => new Response('invalid_token', { status: 403 })]);
    await expect(
      new SlackClient(() => Promise.resolve(token), forbidden.deps).post('#a', message),
    ).rejects.toThrow(new SlackRejected('Slack refused the message: HTTP 403 invalid_token'));
  });

  it('retries a Web API answer that is not JSON, quoting its first 200 characters', async () => {
    const page = `<html>${'x'.repeat(300)}`;
    const slack = fakeSlack(Array.from({ length: 4 }, () => () => new Response(page, { status: 200 })));
    await expect(
      new SlackClient(() => Promise.resolve(token), slack.deps).post('#a', message),
    ).rejects.toThrow(
      new SlackUnavailable(
        `Slack did not answer: Slack answered something that is not JSON: ${page.slice(0, 200)} after 4 attempts`,
      ),
    );
    expect(slack.waits).toEqual([1000, 2000, 4000]);
  });
});
