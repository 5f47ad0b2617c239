import { SQSClient } from '@aws-sdk/client-sqs';
import { webhookRelay } from './handlers/webhook-relay';
import { jsonLog } from './log';
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

/** Entry point: `node main.js <handler>`; exits 0 after a clean SIGTERM shutdown. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const log = jsonLog({ worker: env['WORKER_NAME'] });
  const name = argv[0] ?? '';
  const makeHandler = handlers[name];
  if (!makeHandler) {
    log.error(`unknown handler "${name}"; use one of ${Object.keys(handlers).join(', ')}`);
    return 2;
  }
  let handler: Handler;
  try {
    handler = makeHandler(env);
  } catch (error) {
    log.error((error as Error).message);
    return 2;
  }
  const worker = new Worker({
    sqs: new SQSClient({}),
    queueUrl: required(env, 'QUEUE_URL'),
    handler,
    log,
    visibilityTimeoutSeconds: Number(env['VISIBILITY_TIMEOUT_SECONDS'] ?? '30'),
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void worker.stop());
  log.info('polling', { handler: name });
  await worker.run();
  log.info('stopped cleanly');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
