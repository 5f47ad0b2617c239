import { describeError, JobFailure } from './errors';
import { DEFAULT_TIMEOUT_MS, withTimeout } from './http';
import type { TaskContext } from './task';

/**
 * Posts `text` through a Slack incoming webhook. The URL is a credential (anyone holding it can
 * post), so it never appears in a message or log line.
 */
export async function postToSlack(
  ctx: Pick<TaskContext, 'fetch' | 'signal'>,
  webhookUrl: URL,
  text: string,
): Promise<void> {
  let status = 0;
  let body = '';
  try {
    await withTimeout(ctx.signal, DEFAULT_TIMEOUT_MS, async (signal) => {
      const response = await ctx.fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal,
      });
      status = response.status;
      body = await response.text();
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new JobFailure(`posting to Slack failed: ${describeError(error)}`);
  }
  // Slack answers 200 "ok"; errors come as 4xx with a code such as "invalid_payload" or "no_service".
  if (status < 200 || status > 299) {
    throw new JobFailure(
      `Slack rejected the message with HTTP ${status} "${body.slice(0, 100)}"${status === 404 || status === 403 ? ' (is SLACK_WEBHOOK_URL revoked?)' : ''}`,
    );
  }
}
