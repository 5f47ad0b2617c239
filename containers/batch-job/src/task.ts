import type { Env } from './env';
import type { Logger } from './log';
import type { TlsProbe } from './tls-probe';

/**
 * Everything a task touches outside its own code, passed in so tests run each task with fakes
 * and no network. `signal` aborts when ECS stops the task (SIGTERM): pass it to every wait.
 */
export interface TaskContext {
  /** Arguments after the task name. */
  readonly args: readonly string[];
  readonly env: Env;
  readonly fetch: typeof globalThis.fetch;
  readonly probeTls: TlsProbe;
  readonly now: () => Date;
  /** Resolves after `ms`, rejects with the signal's reason when it aborts first. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * One job the image can run. `run` resolves with a one-line summary on success and throws
 * `JobFailure` (exit 1) or `UsageError` (exit 2) otherwise.
 */
export interface Task {
  readonly usage: string;
  readonly run: (ctx: TaskContext) => Promise<string>;
}
