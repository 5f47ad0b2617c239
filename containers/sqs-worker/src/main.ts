import { type SQSClient } from '@aws-sdk/client-sqs';
import { webhookRelay } from './handlers/webhook-relay';
import { jsonLog, type Log } from './log';
import { emitMetrics } from './metrics';
import { sqsClient } from './sqs-client';
import { Worker, type Handler } from './worker';

/** The handlers the image can run: the last word of a worker's `command`. */
export const handlers: Record<string, (env: NodeJS.ProcessEnv) => Handler> = {
  'webhook-relay': (env) =>
    webhookRelay({ targetUrl: required(env, 'TARGET_URL'), token: required(env, 'TARGET_TOKEN') }),
};

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

/** A whole number of seconds from the environment, within bounds. */
function seconds(env: NodeJS.ProcessEnv, name: string, min: number, max: number, fallback?: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw new Error(`environment variable ${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number of seconds from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** What the task definition passes (lib/constructs/worker-service.ts), validated. */
export interface Settings {
  readonly queueUrl: string;
  readonly worker: string;
  readonly environment: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxProcessingSeconds: number;
  readonly receiveWaitSeconds: number;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const visibilityTimeoutSeconds = seconds(env, 'VISIBILITY_TIMEOUT_SECONDS', 1, 43_200);
  const maxProcessingSeconds = seconds(env, 'MAX_PROCESSING_SECONDS', 1, 43_200);
  if (maxProcessingSeconds >= visibilityTimeoutSeconds) {
    throw new Error(
      `MAX_PROCESSING_SECONDS (${maxProcessingSeconds}) must be below VISIBILITY_TIMEOUT_SECONDS (${visibilityTimeoutSeconds}): a handler still running when its message reappears could run twice`,
    );
  }
  return {
    queueUrl: required(env, 'QUEUE_URL'),
    worker: required(env, 'WORKER_NAME'),
    environment: required(env, 'ENVIRONMENT_NAME'),
    visibilityTimeoutSeconds,
    maxProcessingSeconds,
    receiveWaitSeconds: seconds(env, 'RECEIVE_WAIT_SECONDS', 0, 20, 20),
  };
}

/** What `main` takes from the process; tests pass their own. */
export interface MainDeps {
  /** @default a client for the task's region and role */
  readonly sqs?: SQSClient;
  /** Where SIGTERM/SIGINT arrive. @default process */
  readonly signals?: Pick<NodeJS.EventEmitter, 'once'>;
  /** @default JSON lines on stdout, tagged with WORKER_NAME */
  readonly log?: Log;
  /** Where metric lines go. @default stdout, which awslogs ships to CloudWatch */
  readonly writeMetrics?: (line: string) => void;
}

/**
 * Entry point: `node main.js <handler>`. Returns the exit code: 0 after a clean shutdown on
 * SIGTERM (ECS stopping the task, a deploy, a Spot interruption), 2 on a configuration error.
 *
 * Environment: QUEUE_URL, WORKER_NAME, ENVIRONMENT_NAME, VISIBILITY_TIMEOUT_SECONDS,
 * MAX_PROCESSING_SECONDS (the handler's deadline, below the visibility timeout), optionally
 * RECEIVE_WAIT_SECONDS (long-poll wait, default 20), and the handler's own variables.
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
  let settings: Settings;
  try {
    handler = makeHandler(env);
    settings = readSettings(env);
  } catch (error) {
    log.error((error as Error).message);
    return 2;
  }
  const write = deps.writeMetrics ?? ((line: string) => process.stdout.write(line));
  const worker = new Worker({
    sqs: deps.sqs ?? sqsClient(settings.receiveWaitSeconds),
    handler,
    log,
    queueUrl: settings.queueUrl,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    maxProcessingSeconds: settings.maxProcessingSeconds,
    receiveWaitSeconds: settings.receiveWaitSeconds,
    metrics: (values) =>
      emitMetrics({ environment: settings.environment, worker: settings.worker, write }, values),
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
