import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockAws } from '../../test/support/aws-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handle, handler, parseCredentials } from './handler';
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

  it('says when the secret is not JSON at all', () => {
    expect(() => parseCredentials('not json', 's')).toThrow(/^the Slack secret is not JSON: /);
    expect(() => parseCredentials(undefined, 's')).toThrow(/^the Slack secret is not JSON: /);
  });
});

describe('the Lambda entry point', () => {
  const secrets = mockAws(SecretsManagerClient);
  const ddb = mockAws(DynamoDBDocumentClient);
  const context = { getRemainingTimeInMillis: () => 120_000 } as unknown as Context;
  const posted: { url: string; authorization: string; channel: unknown }[] = [];

  beforeEach(() => {
    vi.stubEnv('TABLE_NAME', 'sandbox-batch-jobs');
    vi.stubEnv(
      'SLACK_SECRET_ARN',
      'arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:batch-platform/sandbox/slack-AbCdEf',
    );
    vi.stubGlobal('__NOTIFIER_CATALOG__', {
      environment: {
        name: 'sandbox',
        region: 'ap-northeast-1',
        channel: '#sre-batch',
        timezone: 'Asia/Tokyo',
      },
      jobs: {},
    });
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      const body = JSON.parse(init.body as string) as Record<string, unknown>;
      posted.push({ url, authorization: headers['authorization'] ?? '', channel: body['channel'] });
      return Promise.resolve(new Response(JSON.stringify({ ok: true, channel: 'C1', ts: '1.1' })));
    });
    ddb.on(GetCommand).resolves({}).on(PutCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"botToken":"xoxb-from-the-secret"}' });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
  });

  it('posts with the token from Secrets Manager, read once per 5 minutes, and keeps the thread in the table', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-24T00:00:00Z'), toFake: ['Date'] });
    try {
      const event = sqsEvent(
        jobEvent('JobFailed', runDetail('a', '2026-11-23T18:00:00Z'), '2026-11-23T18:02:00Z'),
      );
      expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
      await handler(event, context);
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).toMatch(/slack-AbCdEf$/);
      vi.setSystemTime(new Date('2026-11-24T00:04:59.999Z'));
      await handler(event, context);
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      vi.setSystemTime(new Date('2026-11-24T00:05:00Z'));
      await handler(event, context);
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
      expect(posted[0]).toEqual({
        url: 'https://slack.com/api/chat.postMessage',
        authorization: 'Bearer xoxb-from-the-secret',
        channel: '#sre-batch',
      });
      expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.TableName).toBe('sandbox-batch-jobs');
    } finally {
      vi.useRealTimers();
    }
  });

  it('without its settings, fails every message and says which is missing', async () => {
    vi.stubEnv('TABLE_NAME', '');
    const result = await handler(sqsEvent(jobEvent('JobMissed', { job: 'a', slot: 'x' }, '')), context).catch(
      (error: Error) => error.message,
    );
    expect(result).toBe('notifier: TABLE_NAME is not set');
  });

  describe('when Slack answers 503 first', () => {
    const answers: number[] = [];
    beforeEach(() => {
      answers.length = 0;
      vi.stubGlobal('fetch', () => {
        answers.push(answers.length === 0 ? 503 : 200);
        return Promise.resolve(
          answers.length === 1
            ? new Response('', { status: 503 })
            : new Response(JSON.stringify({ ok: true, channel: 'C1', ts: '1.1' })),
        );
      });
    });
    const event = () =>
      sqsEvent(jobEvent('JobFailed', runDetail('a', '2026-11-23T18:00:00Z'), '2026-11-23T18:02:00Z'));

    it('really waits the back-off before trying again', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout'] });
      try {
        const result = handler(event(), context);
        await vi.advanceTimersByTimeAsync(999);
        expect(answers).toEqual([503]);
        await vi.advanceTimersByTimeAsync(1);
        expect(await result).toEqual({ batchItemFailures: [] });
        expect(answers).toEqual([503, 200]);
      } finally {
        vi.useRealTimers();
      }
    });

    it('keeps 10 s of the invocation for itself: less than that plus the back-off left, the queue retries', async () => {
      const late = { getRemainingTimeInMillis: () => 10_999 } as unknown as Context;
      expect(await handler(event(), late)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
      expect(answers).toEqual([503]);
    });
  });
});
