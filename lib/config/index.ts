import * as environmentsFile from '../../config/environments';
import { parseOrThrow } from './config-error';
import { parseEnvironments, selectEnvironment, type EnvironmentConfig } from './environment-schema';
import { toolingSchema, type ToolingConfig } from './tooling-schema';

export { ConfigError } from './config-error';
export type { EnvironmentConfig } from './environment-schema';
export type { ToolingConfig } from './tooling-schema';

/** Everything one synthesis of batch-platform needs, validated. */
export interface PlatformConfig {
  readonly environment: EnvironmentConfig;
  readonly tooling: ToolingConfig;
}

/** Files under config/ as plain data, so tests can feed variants through the same validation. */
export interface ConfigSources {
  readonly environments: Record<string, unknown>;
  readonly tooling: unknown;
}

export const configFiles: ConfigSources = {
  environments: environmentsFile.environments,
  tooling: environmentsFile.tooling,
};

export const DEFAULT_ENVIRONMENT = environmentsFile.defaultEnvironment;

/** Validates config/ and returns the configuration of one environment. */
export function loadConfig(envName: string, sources: ConfigSources = configFiles): PlatformConfig {
  const environments = parseEnvironments(sources.environments);
  return {
    environment: selectEnvironment(environments, envName),
    tooling: parseOrThrow('config/environments.ts', 'tooling', toolingSchema, sources.tooling),
  };
}
