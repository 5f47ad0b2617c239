import { SQSClient } from '@aws-sdk/client-sqs';
import { webhookRelay } from './handlers/webhook-relay';
import { jsonLog, type Log } from './log';
import { Worker, type Handler } from './worker';

const handlers: Record<string, (env: NodeJS.ProcessEnv) => Handler> = {
  'webhook-relay': (env) =>
    webhookRelay({ targetUrl: required(env, 'TARGET_URL'), token: required(env, 'TARGET_TOKEN') }),
};

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

/** What `main` takes from the process; tests pass their own. */
export interface MainDeps {
  /** @default a client for the task's region and role */
  readonly sqs?: SQSClient;
  /** Where SIGTERM/SIGINT arrive. @default process */
  readonly signals?: Pick<NodeJS.EventEmitter, 'once'>;
  /** @default JSON lines on stdout, tagged with WORKER_NAME */
  readonly log?: Log;
}

/**
 * Entry point: `node main.js <handler>`. Returns the exit code: 0 after a clean shutdown on
 * SIGTERM (ECS stopping the task, a deploy, a Spot interruption), 2 on a configuration error.
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  deps: MainDeps = {},
): Promise<number> {
  const log = deps.log ?? jsonLog({ worker: env['WORKER_NAME'] });
  const name = argv[0] ?? '';
  const makeHandler = handlers[name];
  if (!makeHandler) {
    log.error(`unknown handler "${name}"; use one of ${Object.keys(handlers).join(', ')}`);
    return 2;
  }
  let handler: Handler;
  let queueUrl: string;
  const visibilityTimeoutSeconds = Number(env['VISIBILITY_TIMEOUT_SECONDS'] ?? '30');
  try {
    handler = makeHandler(env);
    queueUrl = required(env, 'QUEUE_URL');
    if (!Number.isInteger(visibilityTimeoutSeconds) || visibilityTimeoutSeconds < 1) {
      throw new Error(
        `VISIBILITY_TIMEOUT_SECONDS must be a whole number of seconds, got "${env['VISIBILITY_TIMEOUT_SECONDS']}"`,
      );
    }
  } catch (error) {
    log.error((error as Error).message);
    return 2;
  }
  const worker = new Worker({
    sqs: deps.sqs ?? new SQSClient({}),
    queueUrl,
    handler,
    log,
    visibilityTimeoutSeconds,
  });
  const signals = deps.signals ?? process;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    signals.once(signal, () => {
      log.info(`${signal} received`);
      void worker.stop();
    });
  }
  log.info('polling', { handler: name });
  await worker.run();
  log.info('stopped cleanly');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    // Exit explicitly: a handler that ignored its abort signal must not keep the process alive.
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
