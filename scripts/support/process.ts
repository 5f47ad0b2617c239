/**
 * Ends a command-line tool with its exit code; an unexpected error is one line on stderr and
 * exit 1 (never a stack trace: operators read this output).
 */
export function exitWith(run: Promise<number>): void {
  run.then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
