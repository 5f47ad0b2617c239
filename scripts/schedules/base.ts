import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import {
  ConfigError,
  configFiles,
  loadConfig,
  type AccessProfileConfig,
  type ConfigSources,
  type ScheduledJobConfig,
  type WorkerConfig,
} from '../../lib/config';
import * as accessGrants from '../../lib/config/access-grants';

/** A --base that cannot be compared against; its message is one line for the review comment. */
export class BaseError extends Error {}

const ROOT = path.join(__dirname, '..', '..');

/** Which files a base is read from, and the config it is validated with. */
export interface BaseConfig {
  /** The schedules file, from the repository root. */
  readonly file: string;
  /** The access profiles file, from the repository root. */
  readonly accessFile: string;
  /** The workers file, from the repository root. */
  readonly workersFile: string;
  /** Everything else (environments, tooling) comes from here. */
  readonly config: ConfigSources;
}

/** The shipped config: config/{schedules,access,workers}.ts, validated against config/. */
export const SHIPPED_BASE: BaseConfig = {
  file: 'config/schedules.ts',
  accessFile: 'config/access.ts',
  workersFile: 'config/workers.ts',
  config: configFiles,
};

/** What a pull request is compared with: the base's jobs, workers and access profiles. */
export interface BaseRevision {
  readonly schedules: ScheduledJobConfig[];
  readonly workers: readonly WorkerConfig[];
  readonly access: readonly AccessProfileConfig[];
}

/**
 * config/schedules.ts, config/access.ts and config/workers.ts as they were at `ref`,
 * validated together for `environment` with today's rules. A revision from before access
 * profiles has none; one without a workers file, today's workers.
 */
export function configAt(ref: string, environment: string, base: BaseConfig = SHIPPED_BASE): BaseRevision {
  const schedules = sourceAt(ref, base.file);
  const optional = (file: string): string | undefined => {
    try {
      return sourceAt(ref, file);
    } catch (error) {
      if (!(error instanceof BaseError) || !/has no /.test(error.message)) throw error;
      return undefined;
    }
  };
  const sources = { schedules, access: optional(base.accessFile), workers: optional(base.workersFile) };
  return configFromSources(sources, ref, environment, base);
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
 * The lists one revision's config file exports. The source is compiled with esbuild (already
 * what tsx runs on) and evaluated as a CommonJS module whose `require` resolves from the
 * file's folder, as the file itself would, except that the grant helpers of config/access.ts
 * are today's; nothing is written to the working tree, which other people may be editing.
 */
function exportedList(source: string, ref: string, file: string, name: string): unknown[] {
  let list: unknown;
  try {
    const { code } = transformSync(source, { loader: 'ts', format: 'cjs', sourcefile: `${ref}:${file}` });
    const module = { exports: {} as Record<string, unknown> };
    const fromFile = createRequire(path.join(ROOT, file));
    const helpers = path.join(ROOT, 'lib', 'config', 'access-grants');
    const load = ((id: string): unknown =>
      id.startsWith('.') &&
      path.resolve(path.dirname(path.join(ROOT, file)), id).replace(/\.ts$/, '') === helpers
        ? accessGrants
        : (fromFile(id) as unknown)) as NodeJS.Require;
    // Evaluates the reviewed file of another revision, as `cdk synth` at that revision would.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const evaluate = new Function('module', 'exports', 'require', code) as (
      m: object,
      e: object,
      r: NodeJS.Require,
    ) => void;
    evaluate(module, module.exports, load);
    list = module.exports[name];
  } catch (error) {
    const first = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new BaseError(`--base ${ref}: its ${file} does not load: ${first}`);
  }
  if (!Array.isArray(list)) throw new BaseError(`--base ${ref}: its ${file} exports no "${name}" list`);
  return list;
}

/** One revision's schedules, access and workers sources, validated together for `environment`. */
export function configFromSources(
  sources: {
    readonly schedules: string;
    readonly access?: string | undefined;
    readonly workers?: string | undefined;
  },
  ref: string,
  environment: string,
  { file, accessFile, workersFile, config }: BaseConfig = SHIPPED_BASE,
): BaseRevision {
  const schedules = exportedList(sources.schedules, ref, file, 'schedules');
  const access =
    sources.access === undefined ? [] : exportedList(sources.access, ref, accessFile, 'profiles');
  const workers =
    sources.workers === undefined
      ? config.workers
      : exportedList(sources.workers, ref, workersFile, 'workers');
  try {
    const loaded = loadConfig(environment, { ...config, schedules, access, workers });
    return { schedules: [...loaded.schedules], workers: loaded.workers, access: loaded.access };
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new BaseError(
        `--base ${ref}: its ${error.files.map((f) => f.file).join(' and ')} ${error.files.length > 1 ? 'do' : 'does'} not validate for ${environment}: ${error.problems.join('; ')}`,
      );
    }
    throw error;
  }
}
