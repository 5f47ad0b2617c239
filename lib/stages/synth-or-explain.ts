import type { App } from 'aws-cdk-lib';
import { ConfigError, type PlatformConfig } from '../config';
import { configWarnings } from '../config/warnings';

/** What `build` made: the app, and the validated config of every environment in it. */
export interface BuiltApp {
  readonly app: App;
  readonly configs: readonly PlatformConfig[];
}

/**
 * Builds and synthesizes the app, as `cdk synth` runs it through bin/app.ts. An invalid
 * config is the operator's to fix, not a crash: its problems (entry, field, fix) are the
 * whole output and the exit code is 1, with no stack trace and no source frame. Warnings
 * about a valid config are printed and synthesis goes on. Any other error is a bug and
 * keeps its stack trace.
 *
 * @returns the process exit code
 */
export function synthOrExplain(
  build: () => BuiltApp,
  stderr: { write(text: string): unknown } = process.stderr,
): number {
  try {
    const { app, configs } = build();
    // The pipeline builds every stage from the same files: say each warning once.
    const warnings = [...new Set(configs.flatMap((config) => configWarnings(config)))];
    if (warnings.length > 0) {
      stderr.write(`${warnings.map((w) => `warning: ${w}`).join('\n')}\n`);
    }
    app.synth();
    return 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    stderr.write(`${e.message}\n`);
    return 1;
  }
}
