import { setTimeout as sleep } from 'node:timers/promises';
import { StopSignal } from './errors';
import { runTask } from './runner';
import { probeTls } from './tls-probe';

// ECS sends SIGTERM on StopTask, a timeout or a Spot interruption, then SIGKILL after the
// container's stopTimeout (120 s). Aborting lets every in-flight request and wait end now.
// `once`: a second signal gets Node's default handling and kills the process outright.
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => controller.abort(new StopSignal(signal)));
}

runTask(process.argv.slice(2), {
  env: process.env,
  fetch: globalThis.fetch,
  probeTls,
  now: () => new Date(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  signal: controller.signal,
  write: (line) => process.stdout.write(`${line}\n`),
}).then(
  // Exit explicitly: an aborted socket or a keep-alive connection must not hold the process open.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ level: 'error', message: `runner crashed: ${String(error)}` })}\n`,
    );
    process.exit(1);
  },
);
