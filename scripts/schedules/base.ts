import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import {
  ConfigError,
  configFiles,
  loadConfig,
  type ConfigSources,
  type ScheduledJobConfig,
} from '../../lib/config';

/** A --base that cannot be compared against; its message is one line for the review comment. */
export class BaseError extends Error {}

const ROOT = path.join(__dirname, '..', '..');

/** Which schedules file a base is read from, and the config it is validated with. */
export interface BaseConfig {
  /** The schedules file, from the repository root. */
  readonly file: string;
  /** Everything but the schedules (environments, workers) comes from here. */
  readonly config: ConfigSources;
}

/** The shipped config: config/schedules.ts, validated against config/. */
export const SHIPPED_BASE: BaseConfig = { file: 'config/schedules.ts', config: configFiles };

/** config/schedules.ts as it was at `ref`, validated for `environment` with today's rules. */
export function schedulesAt(
  ref: string,
  environment: string,
  base: BaseConfig = SHIPPED_BASE,
): ScheduledJobConfig[] {
  return schedulesFromSource(sourceAt(ref, base.file), ref, environment, base);
}

/** The text of config/schedules.ts at `ref`, telling an unknown ref from a ref without the file. */
export function sourceAt(ref: string, file = SHIPPED_BASE.file): string {
  // `git show --output=<file>:config/...` would write a file: a ref is never an option.
  if (ref === '' || ref.startsWith('-')) throw new BaseError(`--base "${ref}": not a git revision`);
  const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
  try {
    git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw new BaseError(
      `--base ${ref}: no such revision here (a shallow CI checkout may need: git fetch origin main)`,
    );
  }
  try {
    return git(['show', `${ref}:${file}`]);
  } catch {
    throw new BaseError(`--base ${ref}: that revision has no ${file}`);
  }
}

/**
 * Evaluates one revision's config/schedules.ts and validates it for `environment`.
 * The source is compiled with esbuild (already what tsx runs on) and evaluated as a CommonJS
 * module whose `require` resolves from config/, as the file itself would; nothing is written
 * to the working tree, which other people may be editing.
 */
export function schedulesFromSource(
  source: string,
  ref: string,
  environment: string,
  { file, config }: BaseConfig = SHIPPED_BASE,
): ScheduledJobConfig[] {
  let schedules: unknown;
  try {
    const { code } = transformSync(source, { loader: 'ts', format: 'cjs', sourcefile: `${ref}:${file}` });
    const module = { exports: {} as { schedules?: unknown } };
    // Evaluates the reviewed file of another revision, as `cdk synth` at that revision would.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const evaluate = new Function('module', 'exports', 'require', code) as (
      m: object,
      e: object,
      r: NodeJS.Require,
    ) => void;
    evaluate(module, module.exports, createRequire(path.join(ROOT, file)));
    schedules = module.exports.schedules;
  } catch (error) {
    const first = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new BaseError(`--base ${ref}: its ${file} does not load: ${first}`);
  }
  if (!Array.isArray(schedules))
    throw new BaseError(`--base ${ref}: its ${file} exports no "schedules" list`);
  try {
    return [...loadConfig(environment, { ...config, schedules }).schedules];
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new BaseError(
        `--base ${ref}: its ${file} does not validate for ${environment}: ${error.problems.join('; ')}`,
      );
    }
    throw error;
  }
}
