/**
 * Bad arguments or missing configuration (exit 2). Kept apart from job failures so a broken
 * task definition reads as "fix the config", not as "the partner API is down".
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The job ran and found a problem it was built to find, or a dependency it needs failed (exit 1). */
export class JobFailure extends Error {
  override name = 'JobFailure';
}

/** The abort reason when ECS (or a person) asks the process to stop. */
export class StopSignal extends Error {
  override name = 'StopSignal';

  constructor(public readonly signal: 'SIGTERM' | 'SIGINT') {
    super(`stopped by ${signal}`);
  }
}

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** 128 + signal number, as a shell reports a process killed by the signal. */
  SIGINT: 130,
  SIGTERM: 143,
} as const;

/** One line for a log message: undici's "fetch failed" hides the useful part in `cause`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`.trim();
  }
  return error.message;
}

/** Why a signal aborted, as an Error (AbortSignal.reason is typed `any`). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}
