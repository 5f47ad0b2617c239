import { beforeEach, type MockInstance, vi } from 'vitest';

/**
 * Silences a Lambda's stdout and stderr for every test of the file and reads back what it
 * wrote: Powertools logs and EMF metrics are one JSON document a line.
 */
export function lambdaOutput() {
  let stdout: MockInstance<typeof process.stdout.write>;
  let stderr: MockInstance<typeof process.stderr.write>;
  beforeEach(() => {
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  return {
    /** Each chunk written to stdout, as written. */
    stdoutChunks: () => stdout.mock.calls.map(([chunk]) => String(chunk)),
    /** Every document written to stdout or stderr, parsed. */
    documents: () =>
      [...stdout.mock.calls, ...stderr.mock.calls]
        .flatMap(([chunk]) => String(chunk).split('\n'))
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
