import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handle, parseCredentials } from './handler';
import type { NotifyDeps } from './notify';
import { SlackUnavailable } from './slack';
import { jobEvent, runDetail } from './test-support/events';

const catalog: NotifyDeps['catalog'] = {
  environment: { name: 'sandbox', region: 'ap-northeast-1', channel: '#sre-batch', timezone: 'Asia/Tokyo' },
  jobs: {},
};

const sqsEvent = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;

describe('the notifier handler', () => {
  it('gives back only the messages it could not deliver; the others are done', async () => {
    const logged: Record<string, unknown>[] = [];
    let calls = 0;
    const deps: NotifyDeps = {
      catalog,
      slack: {
        post: () => {
          calls++;
          if (calls === 2) return Promise.reject(new SlackUnavailable('Slack answered 503 after 4 attempts'));
          return Promise.resolve({ channel: 'C1', ts: '1.1' });
        },
        update: () => Promise.resolve(),
      },
      threads: {
        get: () => Promise.resolve(undefined),
        put: () => Promise.resolve(),
        close: () => Promise.resolve(),
      },
    };
    const failed = (job: string) =>
      jobEvent('JobFailed', runDetail(job, '2026-11-23T18:00:00Z'), '2026-11-23T18:02:00Z');
    const result = await handle(sqsEvent(failed('a'), failed('b'), 'garbage', failed('c')), deps, {
      info: (_m: string, d?: unknown) => void logged.push(d as Record<string, unknown>),
      error: (_m: string, d?: unknown) => void logged.push(d as Record<string, unknown>),
    } as never);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    expect(logged.map((l) => l['error'] ?? l['outcome'])).toEqual([
      'posted',
      'SlackUnavailable: Slack answered 503 after 4 attempts',
      'UnreadableNotice: not JSON: garbage',
      'posted',
    ]);
  });
});

describe('the Slack secret', () => {
  it('takes a bot token or an incoming webhook', () => {
    expect(parseCredentials('{"botToken":"xoxb-1"}', 's')).toEqual({ botToken: 'xoxb-1' });
    expect(parseCredentials('{"webhookUrl":"https://hooks.slack.com/services/T/B/x"}', 's')).toEqual({
      webhookUrl: 'https://hooks.slack.com/services/T/B/x',
    });
  });

  it.each([
    ['{}'],
    ['not json'],
    ['{"botToken":"xoxp-user-token"}'],
    ['{"webhookUrl":"https://evil.example.com/"}'],
  ])('refuses %s, naming the secret and the fix but never the value', (value) => {
    let message = '';
    try {
      parseCredentials(value, 'batch-platform/sandbox/slack');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /put \{"botToken":"xoxb-\.\.\."\} .* into the secret batch-platform\/sandbox\/slack/,
    );
    expect(message).not.toContain('xoxp-user-token');
    expect(message).not.toContain('evil');
  });
});
