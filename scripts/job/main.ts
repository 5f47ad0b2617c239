import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  ConfigError,
  configFiles,
  DEFAULT_ENVIRONMENT,
  loadConfig,
  type ConfigSources,
  type EnvironmentConfig,
  type PlatformConfig,
} from '../../lib/config';
import { CliError, CliUsageError, credentialsMessage, describeAwsError, isCredentialsError } from './errors';
import { findJob } from './find-job';
import { listJobs } from './list';
import type { Output } from './output';
import { runJob } from './run';
import { jobStatus } from './status';

export const USAGE = `usage: npm run job -- <command> [options]

  list   [--env <name>] [--from <ISO time>]          every job, its schedule and next runs (offline)
  run    <job> [--env <name>] [--no-wait] [--force]  start a job now; waits for the outcome unless --no-wait
  status <job> [--env <name>] [--limit <n>]          the job's recent runs, newest first (default 10)

--env defaults to ${DEFAULT_ENVIRONMENT}. run and status need AWS credentials for the environment's account.`;

export interface AwsClients {
  readonly sfn: SFNClient;
  readonly ddb: DynamoDBDocumentClient;
}

export interface CliDeps {
  readonly out: Output;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly uuid: () => string;
  /** Called only by commands that talk to AWS, so `list` never needs an SDK or credentials. */
  readonly clients: (env: EnvironmentConfig) => AwsClients;
  /** The config directory read. @default configFiles (the shipped config/) */
  readonly config?: ConfigSources;
}

const envOption = { env: { type: 'string' } } as const;

/** Runs one CLI command and returns its exit code: 0 ok, 1 failed or refused, 2 bad command line. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { out } = deps;
  const [command, ...rest] = argv;
  let config: PlatformConfig | undefined;
  try {
    switch (command) {
      case 'list': {
        const { values } = parse(rest, { ...envOption, from: { type: 'string' } }, 0);
        config = load(values['env'], deps);
        listJobs(config, parseFrom(values['from'], deps.now), out);
        return 0;
      }
      case 'run': {
        const { values, positionals } = parse(
          rest,
          { ...envOption, 'no-wait': { type: 'boolean' }, force: { type: 'boolean' } },
          1,
        );
        config = load(values['env'], deps);
        const job = findJob(config.schedules, positionals[0]!, config.environment.name);
        const { now, sleep, uuid } = deps;
        return await runJob(
          { env: config.environment, job, force: values['force'] === true, wait: values['no-wait'] !== true },
          { ...deps.clients(config.environment), out, now, sleep, uuid },
        );
      }
      case 'status': {
        const { values, positionals } = parse(rest, { ...envOption, limit: { type: 'string' } }, 1);
        const limit = parseLimit(values['limit']);
        config = load(values['env'], deps);
        const job = findJob(config.schedules, positionals[0]!, config.environment.name);
        return await jobStatus(
          { env: config.environment, job, limit },
          { ...deps.clients(config.environment), out },
        );
      }
      case undefined:
        out.error(USAGE);
        return 2;
      case 'help':
      case '--help':
      case '-h':
        out.line(USAGE);
        return 0;
      default:
        throw new CliUsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof CliUsageError) {
      out.error(`error: ${error.message}`);
      if (error.showUsage) out.error(`\n${USAGE}`);
      return 2;
    }
    if (error instanceof CliError) {
      out.error(`error: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      out.error(error.message);
      return 1;
    }
    if (config && isCredentialsError(error)) {
      out.error(credentialsMessage(config.environment, argv.join(' ')));
      return 1;
    }
    if (config) {
      out.error(describeAwsError(error, config.environment));
      return 1;
    }
    throw error;
  }
}

type Values = Record<string, string | boolean | undefined>;

function parse(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  positionalCount: number,
): { values: Values; positionals: string[] } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (parsed.positionals.length !== positionalCount) {
    throw new CliUsageError(
      positionalCount === 0
        ? `unexpected argument "${parsed.positionals[0]}"`
        : parsed.positionals.length === 0
          ? 'name the job, e.g. npm run job -- run nightly-sales-report'
          : `one job at a time; got ${parsed.positionals.join(', ')}`,
    );
  }
  return parsed;
}

function load(env: string | boolean | undefined, deps: CliDeps): PlatformConfig {
  const sources = deps.config ?? configFiles;
  const name = typeof env === 'string' ? env : sources.defaultEnvironment;
  const known = Object.keys(sources.environments);
  if (!known.includes(name)) {
    throw new CliUsageError(`--env ${name}: no such environment; choose one of ${known.join(', ')}`, false);
  }
  return loadConfig(name, sources);
}

function parseFrom(from: string | boolean | undefined, now: () => Date): Date {
  if (typeof from !== 'string') return now();
  const date = new Date(from);
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(from) || Number.isNaN(date.getTime())) {
    throw new CliUsageError(`--from "${from}" is not an ISO date-time such as 2026-11-22T00:00:00Z`);
  }
  return date;
}

function parseLimit(limit: string | boolean | undefined): number {
  if (typeof limit !== 'string') return 10;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new CliUsageError(`--limit must be a whole number from 1 to 100`);
  return n;
}
