import * as environmentsFile from '../../config/environments';
import * as schedulesFile from '../../config/schedules';
import * as workersFile from '../../config/workers';
import { parseEnvironments, selectEnvironment, type EnvironmentConfig } from './environment-schema';
import { parseSchedules, type ScheduledJobConfig } from './schedule-schema';
import { parseWorkers, type WorkerConfig } from './worker-schema';
import { parseTooling, type ToolingConfig } from './tooling-schema';

export { ConfigError } from './config-error';
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
}

export const configFiles: ConfigSources = {
  defaultEnvironment: environmentsFile.defaultEnvironment,
  environments: environmentsFile.environments,
  tooling: environmentsFile.tooling,
  schedules: schedulesFile.schedules,
  workers: workersFile.workers,
};

export const DEFAULT_ENVIRONMENT = configFiles.defaultEnvironment;

/** Validates a config directory (config/ unless told) and returns the configuration of one environment. */
export function loadConfig(envName: string, sources: ConfigSources = configFiles): PlatformConfig {
  const environments = parseEnvironments(sources.environments);
  const environment = selectEnvironment(environments, envName);
  return {
    environment,
    tooling: parseTooling(sources.tooling, Object.keys(environments)),
    schedules: parseSchedules(sources.schedules, {
      environment: envName,
      knownEnvironments: Object.keys(environments),
      defaultTimezone: environment.defaultTimezone,
      defaultNotify: environment.notify,
    }),
    workers: parseWorkers(sources.workers, {
      environment: envName,
      knownEnvironments: Object.keys(environments),
    }),
  };
}
