import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { NotifierCatalog } from '../../lib/schedule/notifier-catalog';
import { readNotice } from './notice';
import { notify, type NotifyDeps } from './notify';
import { SlackClient, SlackRejected, type SlackCredentials } from './slack';
import { ThreadStore } from './threads';

/** Written into the bundle at synth from the config (see lib/schedule/notifier-catalog.ts). */
declare const __NOTIFIER_CATALOG__: NotifierCatalog;

const logger = new Logger({ serviceName: 'notifier' });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secrets = new SecretsManagerClient({});

/**
 * Each queue message on its own: one that fails (Slack down, rate limited past what this
 * invocation can wait, a refused token) goes back to the queue and, after the queue's
 * retries, to its dead-letter queue, which alarms. Nothing here touches a job's outcome.
 */
export async function handle(
  event: SQSEvent,
  deps: NotifyDeps,
  log: Pick<Logger, 'info' | 'error'>,
): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const notice = readNotice(record.body);
      const outcome = await notify(notice, deps);
      log.info('notice handled', { messageId: record.messageId, type: notice.type, outcome });
    } catch (error) {
      log.error('notice not delivered; the queue retries it, then keeps it in its dead-letter queue', {
        messageId: record.messageId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

/** How long a fetched secret is used before it is read again (a rotated token is picked up). */
const SECRET_CACHE_MS = 5 * 60_000;
let cached: { readonly credentials: SlackCredentials; readonly until: number } | undefined;

/** The Slack credentials, never logged: `{"botToken": "xoxb-..."}` or `{"webhookUrl": "https://hooks.slack.com/..."}`. */
export function parseCredentials(secretString: string | undefined, secretName: string): SlackCredentials {
  const fix = `put {"botToken":"xoxb-..."} (or {"webhookUrl":"https://hooks.slack.com/services/..."}) into the secret ${secretName}; see docs/operators-guide.md`;
  let value: unknown;
  try {
    value = JSON.parse(secretString ?? '');
  } catch {
    throw new SlackRejected(`the Slack secret is not JSON: ${fix}`);
  }
  const { botToken, webhookUrl } = (value ?? {}) as Record<string, unknown>;
  if (typeof botToken === 'string' && botToken.startsWith('xoxb-')) return { botToken };
  if (typeof webhookUrl === 'string' && webhookUrl.startsWith('https://hooks.slack.com/'))
    return { webhookUrl };
  throw new SlackRejected(`the Slack secret holds no bot token or webhook URL: ${fix}`);
}

async function credentials(): Promise<SlackCredentials> {
  if (cached && cached.until > Date.now()) return cached.credentials;
  const secretId = required('SLACK_SECRET_ARN');
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  cached = { credentials: parseCredentials(SecretString, secretId), until: Date.now() + SECRET_CACHE_MS };
  return cached.credentials;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`notifier: ${name} is not set`);
  return value;
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const slack = new SlackClient(credentials, {
    fetch,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Keep 10 s to write the thread and answer; a longer wait is the queue's to do.
    budgetMs: () => context.getRemainingTimeInMillis() - 10_000,
  });
  return handle(
    event,
    { catalog: __NOTIFIER_CATALOG__, slack, threads: new ThreadStore(ddb, required('TABLE_NAME')) },
    logger,
  );
}
