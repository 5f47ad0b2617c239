import { describeError, EXIT, JobFailure, StopSignal, UsageError } from './errors';
import { createLogger } from './log';
import type { TaskContext } from './task';
import { tasks } from './tasks';

export type RunnerDeps = Omit<TaskContext, 'args' | 'log'> & {
  /** Where log lines go (stdout in the container). */
  readonly write: (line: string) => void;
  /**
   * How long a task may take to wind down after a stop signal before the runner gives up on it.
   * Well inside ECS's 120 s stopTimeout, so the exit code is ours rather than SIGKILL's 137.
   * @default 10_000
   */
  readonly stopGraceMs?: number;
};

/** Runs `<task> [args...]` and returns the process exit code; never throws. */
export async function runTask(argv: readonly string[], deps: RunnerDeps): Promise<number> {
  const [name = '', ...args] = argv;
  const log = createLogger(deps.write, deps.now, { job: deps.env['JOB_NAME'] ?? name, task: name });
  const task = tasks.get(name);
  if (!task) {
    const valid = [...tasks.keys()].join(', ');
    log.error(
      name ? `unknown task "${name}"; valid tasks: ${valid}` : `no task given; valid tasks: ${valid}`,
    );
    return EXIT.usage;
  }
  if (deps.signal.aborted) return stopCode(deps.signal, log);

  const started = deps.now().getTime();
  log.info('started', { args });
  const running = task.run({ ...deps, args, log });
  const deadline = stopDeadline(deps.signal, deps.stopGraceMs ?? 10_000);
  try {
    const summary = await Promise.race([running, deadline.passed]);
    // Finished, even if a stop signal came in meanwhile: the work is done, so report it as done.
    log.info(summary, { outcome: 'succeeded', durationMs: deps.now().getTime() - started });
    return EXIT.ok;
  } catch (error) {
    if (deps.signal.aborted) return stopCode(deps.signal, log);
    if (error instanceof UsageError) {
      log.error(`${error.message} (usage: ${task.usage})`, { outcome: 'usage' });
      return EXIT.usage;
    }
    // Anything else is a failure too; an unexpected error keeps its stack for whoever debugs it.
    log.error(describeError(error), {
      outcome: 'failed',
      durationMs: deps.now().getTime() - started,
      ...(error instanceof JobFailure || !(error instanceof Error) ? {} : { stack: error.stack }),
    });
    return EXIT.failure;
  } finally {
    deadline.cancel();
  }
}

/**
 * Rejects `grace` ms after the signal aborts, in case a task ignores it. The timer is not
 * unref'd: if it were, a task stuck on a promise with no I/O behind it would let the event loop
 * empty and the process exit 0, reporting a stopped run as a success.
 */
function stopDeadline(signal: AbortSignal, grace: number): { passed: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  const passed = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => reject(new Error(`task did not stop within ${grace} ms`)), grace);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return {
    passed,
    cancel: () => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    },
  };
}

function stopCode(signal: AbortSignal, log: ReturnType<typeof createLogger>): number {
  const reason: unknown = signal.reason;
  const stop = reason instanceof StopSignal ? reason.signal : 'SIGTERM';
  log.warn(`stopped by ${stop} before finishing; the run is incomplete`, { outcome: 'stopped' });
  return EXIT[stop];
}
