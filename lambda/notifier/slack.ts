/**
 * The two Slack calls the notifier makes, over plain HTTPS (`fetch`), with its own retries.
 *
 * Why not `@slack/web-api`: the notifier needs `chat.postMessage` and `chat.update` only,
 * and it must decide itself how long to wait (a Lambda has a deadline, Slack's Retry-After
 * may not fit in it; then the message goes back to the queue instead). The library retries
 * on its own timers and adds ~1 MB of axios and friends to a bundle that is 40 KB today.
 */
import type { SlackMessage } from './message';

/** What the notifier's secret holds: a bot token (posts and updates) or an incoming webhook (posts only). */
export type SlackCredentials = { readonly botToken: string } | { readonly webhookUrl: string };

export interface Posted {
  readonly channel: string;
  readonly ts: string;
}

/** Slack could not take the message now; the queue delivers it again later (then its DLQ). */
export class SlackUnavailable extends Error {
  override readonly name = 'SlackUnavailable';
}

/** Slack refused the message for a reason retrying cannot fix (bad token, unknown channel). */
export class SlackRejected extends Error {
  override readonly name = 'SlackRejected';
}

export interface SlackDeps {
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds this invocation may still spend waiting (the Lambda's remaining time, less a margin). */
  readonly budgetMs: () => number;
}

/** Attempts per call: the first and up to three retries, with 1, 2 and 4 s between (or Retry-After). */
const ATTEMPTS = 4;
/** A Retry-After longer than this is not waited for here: the queue retries later. */
const MAX_WAIT_MS = 30_000;

export class SlackClient {
  constructor(
    private readonly credentials: () => Promise<SlackCredentials>,
    private readonly deps: SlackDeps,
  ) {}

  /** Posts a message, in a thread when `threadTs` is given. */
  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<Posted | undefined> {
    const credentials = await this.credentials();
    if ('webhookUrl' in credentials) {
      // An incoming webhook posts to the channel it was made for, and cannot thread or update.
      await this.call(credentials.webhookUrl, undefined, { text: message.text, blocks: message.blocks });
      return undefined;
    }
    const body = await this.call('https://slack.com/api/chat.postMessage', credentials.botToken, {
      channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    return { channel: String(body.channel), ts: String(body.ts) };
  }

  /** Replaces a posted message (the storm count). With a webhook there is nothing to update. */
  async update(posted: Posted, message: SlackMessage): Promise<void> {
    const credentials = await this.credentials();
    if ('webhookUrl' in credentials) return;
    await this.call('https://slack.com/api/chat.update', credentials.botToken, {
      channel: posted.channel,
      ts: posted.ts,
      text: message.text,
      blocks: message.blocks,
    });
  }

  private async call(
    url: string,
    token: string | undefined,
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    let lastProblem = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      let wait = 1000 * 2 ** (attempt - 1);
      try {
        const response = await this.deps.fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get('retry-after'));
          wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : wait;
          lastProblem = `rate limited (429, Retry-After ${response.headers.get('retry-after') ?? 'not given'})`;
        } else if (response.status >= 500) {
          lastProblem = `Slack answered ${response.status}`;
        } else if (!response.ok) {
          throw new SlackRejected(
            `Slack refused the message: HTTP ${response.status} ${await response.text()}`,
          );
        } else {
          return await this.answer(response, url);
        }
      } catch (error) {
        if (error instanceof SlackRejected) throw error;
        lastProblem = `Slack did not answer: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (attempt === ATTEMPTS) break;
      if (wait > MAX_WAIT_MS || wait > this.deps.budgetMs()) {
        throw new SlackUnavailable(
          `${lastProblem}; waiting ${wait} ms does not fit, the queue retries later`,
        );
      }
      await this.deps.sleep(wait);
    }
    throw new SlackUnavailable(`${lastProblem} after ${ATTEMPTS} attempts`);
  }

  /** The Web API answers 200 with `ok: false` for its own errors; a webhook answers the text `ok`. */
  private async answer(response: Response, url: string): Promise<Record<string, unknown>> {
    const text = await response.text();
    if (!url.startsWith('https://slack.com/api/')) return {};
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new SlackUnavailable(`Slack answered something that is not JSON: ${text.slice(0, 200)}`);
    }
    if (body.ok === true) return body;
    const error = String(body.error);
    if (error === 'ratelimited' || error === 'service_unavailable' || error === 'internal_error') {
      throw new SlackUnavailable(`Slack answered ${error}`);
    }
    throw new SlackRejected(`Slack refused the message: ${error}${HINTS[error] ? ` (${HINTS[error]})` : ''}`);
  }
}

const HINTS: Record<string, string> = {
  channel_not_found: 'the channel does not exist or is private: check notify in config/',
  not_in_channel: 'invite the bot to the channel: /invite @<bot>',
  invalid_auth: 'the bot token in the Slack secret is wrong or revoked',
  not_authed: 'the Slack secret holds no bot token',
  account_inactive: 'the bot token belongs to a deactivated app or workspace',
  missing_scope: 'the Slack app needs the chat:write scope',
};
