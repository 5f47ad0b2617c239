import * as accessFile from '../../config/access';
import * as environmentsFile from '../../config/environments';
import * as schedulesFile from '../../config/schedules';
import * as workersFile from '../../config/workers';
import { accessScope } from '../access/statements';
import { accessReferenceProblems, parseAccessProfiles, type AccessProfileConfig } from './access-schema';
import { ConfigError } from './config-error';
import { parseEnvironments, selectEnvironment, type EnvironmentConfig } from './environment-schema';
import { parseSchedules, type ScheduledJobConfig } from './schedule-schema';
import { parseWorkers, type WorkerConfig } from './worker-schema';
import { parseTooling, type ToolingConfig } from './tooling-schema';

export { ConfigError };
export type { AccessProfileConfig } from './access-schema';
export type { EnvironmentConfig } from './environment-schema';
export type { ToolingConfig } from './tooling-schema';
export type { ScheduledJobConfig } from './schedule-schema';
export type { WorkerConfig } from './worker-schema';

/** Everything one synthesis of batch-platform needs, validated. */
export interface PlatformConfig {
  readonly environment: EnvironmentConfig;
  readonly tooling: ToolingConfig;
  readonly schedules: readonly ScheduledJobConfig[];
  readonly workers: readonly WorkerConfig[];
  /** Who may do what in AWS: the profiles jobs and workers name in `access`. */
  readonly access: readonly AccessProfileConfig[];
}

/**
 * The files of a config directory as plain data: `configFiles` is the shipped config/, which
 * the app and the CLIs read; tests pass their own fixture (test/fixtures/config/) or variants.
 */
export interface ConfigSources {
  /** The environment synthesized without `-c env=<name>`. */
  readonly defaultEnvironment: string;
  readonly environments: Record<string, unknown>;
  readonly tooling: unknown;
  readonly schedules: readonly unknown[];
  readonly workers: readonly unknown[];
  /** config/access.ts's profiles; none when left out. */
  readonly access?: readonly unknown[];
}

export const configFiles: ConfigSources = {
  defaultEnvironment: environmentsFile.defaultEnvironment,
  environments: environmentsFile.environments,
  tooling: environmentsFile.tooling,
  schedules: schedulesFile.schedules,
  workers: workersFile.workers,
  access: accessFile.profiles,
};

export const DEFAULT_ENVIRONMENT = configFiles.defaultEnvironment;

/**
 * Validates a config directory (config/ unless told) and returns the configuration of one
 * environment. Every file is checked even when one is invalid, and the ConfigError lists the
 * problems of all of them: an operator fixes a PR in one round, not one file per `cdk synth`.
 */
export function loadConfig(envName: string, sources: ConfigSources = configFiles): PlatformConfig {
  const errors: ConfigError[] = [];
  const check = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      errors.push(e);
      return undefined;
    }
  };
  const environments = check(() => parseEnvironments(sources.environments));
  // The names as written when some environment is invalid: the other files' overrides and
  // stages are checked against them rather than reported as unknown.
  const knownEnvironments = Object.keys(environments ?? sources.environments);
  const environment = environments && check(() => selectEnvironment(environments, envName));
  const tooling = check(() => parseTooling(sources.tooling, knownEnvironments));
  const schedules = check(() =>
    parseSchedules(sources.schedules, {
      environment: envName,
      knownEnvironments,
      // Only fills in a valid job's zone; with no valid environment there is no config to return.
      defaultTimezone: environment?.defaultTimezone ?? 'UTC',
      defaultNotify: environment?.notify ?? '#unknown',
    }),
  );
  const workers = check(() => parseWorkers(sources.workers, { environment: envName, knownEnvironments }));
  const access =
    environment &&
    check(() =>
      parseAccessProfiles(sources.access ?? [], {
        environment: envName,
        knownEnvironments,
        scope: accessScope(environment),
      }),
    );
  if (access && schedules && workers) {
    const references = accessReferenceProblems(
      access,
      [
        { file: 'config/schedules.ts', entries: schedules },
        { file: 'config/workers.ts', entries: workers },
      ],
      workers.map((w) => w.name),
      envName,
    );
    for (const { file, problems } of references) errors.push(new ConfigError(file, problems));
  }
  const [first, ...more] = errors;
  if (first) throw ConfigError.all([first, ...more]);
  return {
    environment: environment!,
    tooling: tooling!,
    schedules: schedules!,
    workers: workers!,
    access: access!,
  };
}
