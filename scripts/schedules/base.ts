import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import { ConfigError, configFiles, loadConfig, type ScheduledJobConfig } from '../../lib/config';

export class BaseError extends Error {}

const ROOT = path.join(__dirname, '..', '..');

/**
 * config/schedules.ts as it was at `ref`, validated for `environment` with today's rules.
 * The old source is compiled with esbuild and evaluated as a CommonJS module whose `require`
 * resolves from config/, as the file itself would.
 */
export function schedulesAt(ref: string, environment: string): ScheduledJobConfig[] {
  let source: string;
  try {
    source = execFileSync('git', ['show', `${ref}:config/schedules.ts`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch {
    throw new BaseError(
      `--base ${ref}: no config/schedules.ts at that revision (is the ref fetched? try origin/main)`,
    );
  }
  const file = path.join(ROOT, 'config', 'schedules.ts');
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    sourcefile: `${ref}:config/schedules.ts`,
  });
  const module = { exports: {} as { schedules?: unknown } };
  // Evaluates the reviewed file of another revision, as `cdk synth` at that revision would.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const evaluate = new Function('module', 'exports', 'require', code) as (
    m: object,
    e: object,
    r: NodeJS.Require,
  ) => void;
  evaluate(module, module.exports, createRequire(file));
  const { schedules } = module.exports;
  if (!Array.isArray(schedules))
    throw new BaseError(`--base ${ref}: config/schedules.ts exports no "schedules" list`);
  try {
    return [...loadConfig(environment, { ...configFiles, schedules }).schedules];
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new BaseError(
        `--base ${ref}: its config/schedules.ts does not validate:\n${error.problems.join('\n')}`,
      );
    }
    throw error;
  }
}
