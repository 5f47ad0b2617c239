import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { STSClient } from '@aws-sdk/client-sts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  ConfigError,
  configFiles,
  DEFAULT_ENVIRONMENT,
  loadConfig,
  type EnvironmentConfig,
  type PlatformConfig,
} from '../../lib/config';
import { durationSchema } from '../../lib/config/duration';
import { isIanaTimeZone } from '../../lib/config/timezone';
import { CliError, CliUsageError, credentialsMessage, describeAwsError, isCredentialsError } from './errors';
import { findJob } from './find-job';
import { listJobs } from './list';
import { readFileSync } from 'node:fs';
import { backfillJob } from './backfill';
import { importCrontab, renderImport } from './crontab';
import { jobLogs } from './logs';
import { lsJobs } from './ls';
import { MAX_PAUSE_SECONDS, MAX_REASON_CHARS, pauseJob, resumeJob } from './pause';
import type { Output } from './output';
import { runJob } from './run';
import { jobStatus } from './status';
import { stopJob } from './stop';

export const USAGE = `usage: npm run job -- <command> [options]

  list   [--env <name>] [--from <ISO time>]          every job, its schedule and next runs (offline)
  ls     [--env <name>] [--json]                     every job: schedule, state, last run, next run, running now
  import-crontab <file> --owner <team> [--timezone <zone>] [--timeout <duration>] [--env <name>]
                                                    a crontab as config/schedules.ts entries with AWS cron, and
                                                    the lines to decide by hand (offline); zone defaults to the
                                                    environment's defaultTimezone
  run    <job> [--env <name>] [--no-wait] [--force]  start a job now; waits for the outcome unless --no-wait
  status <job> [--env <name>] [--limit <n>]          the job's recent runs, newest first (default 10)
  logs   <job> [--env <name>] [--run <name>] [--follow]
                                                    the container's output of the running or latest run
                                                    (or run <name>, as status shows it); --follow until it ends
  pause  <job> --reason <text> --for <duration> [--env <name>]
                                                    its runs end Skipped with the reason until then (at most 7 days);
                                                    takes effect at the next start, no deploy
  resume <job> [--env <name>]                       lift a pause early
  stop   <job> --reason <text> [--env <name>]       stop the run in progress: its task is stopped and the
                                                    runner records it Failed (not retried) with the reason
  backfill <job> --from <ISO time> --to <ISO time> [--dry-run] [--env <name>]
                                                    run the slots of the window that no run claimed, oldest
                                                    first, one at a time; --dry-run lists them

--env defaults to ${DEFAULT_ENVIRONMENT}. Every command but list needs AWS credentials for the environment's account.`;

export interface AwsClients {
  readonly sfn: SFNClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly logs: CloudWatchLogsClient;
  readonly sts: STSClient;
  readonly ecs: ECSClient;
}

export interface CliDeps {
  readonly out: Output;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly uuid: () => string;
  /** Called only by commands that talk to AWS, so `list` never needs an SDK or credentials. */
  readonly clients: (env: EnvironmentConfig) => AwsClients;
  /** @default loadConfig */
  readonly load?: (environment: string) => PlatformConfig;
  /** @default readFileSync(path, 'utf8') */
  readonly readFile?: (path: string) => string;
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
      case 'ls': {
        const { values } = parse(rest, { ...envOption, json: { type: 'boolean' } }, 0);
        config = load(values['env'], deps);
        return await lsJobs(
          config,
          { json: values['json'] === true },
          { ...deps.clients(config.environment), out, now: deps.now },
        );
      }
      case 'import-crontab': {
        const { values, positionals } = parse(
          rest,
          {
            ...envOption,
            owner: { type: 'string' },
            timezone: { type: 'string' },
            timeout: { type: 'string' },
          },
          1,
        );
        const owner = values['owner'];
        if (typeof owner !== 'string' || owner === '') {
          throw new CliUsageError(
            '--owner is required: the team that will own the imported jobs, e.g. --owner sre',
          );
        }
        config = load(values['env'], deps);
        const file = positionals[0]!;
        let text: string;
        try {
          text = (deps.readFile ?? ((path) => readFileSync(path, 'utf8')))(file);
        } catch (error) {
          throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
        }
        const timezone =
          typeof values['timezone'] === 'string' ? values['timezone'] : config.environment.defaultTimezone;
        if (!isIanaTimeZone(timezone)) {
          throw new CliUsageError(
            `--timezone "${timezone}" is not an IANA time zone such as Asia/Tokyo or UTC`,
          );
        }
        const timeout = typeof values['timeout'] === 'string' ? values['timeout'] : undefined;
        if (timeout !== undefined && !durationSchema.safeParse(timeout).success) {
          throw new CliUsageError(`--timeout "${timeout}" is not a duration such as 30m or 2h`);
        }
        const result = importCrontab(text, { owner, timezone, ...(timeout ? { timeout } : {}) });
        out.line(renderImport(result, file));
        out.error(
          `${result.jobs.length} job(s) imported, ${result.untranslated.length} line(s) to decide by hand; paste the entries into config/schedules.ts and review each NOTE`,
        );
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
          { ...deps.clients(config.environment), out, now: deps.now },
        );
      }
      case 'logs': {
        const { values, positionals } = parse(
          rest,
          { ...envOption, run: { type: 'string' }, follow: { type: 'boolean' } },
          1,
        );
        config = load(values['env'], deps);
        const job = findJob(config.schedules, positionals[0]!, config.environment.name);
        const run = values['run'];
        return await jobLogs(
          {
            env: config.environment,
            job,
            follow: values['follow'] === true,
            ...(typeof run === 'string' ? { run } : {}),
          },
          { ...deps.clients(config.environment), out, sleep: deps.sleep },
        );
      }
      case 'pause': {
        const { values, positionals } = parse(
          rest,
          { ...envOption, reason: { type: 'string' }, for: { type: 'string' } },
          1,
        );
        const reason = parseReason(values['reason']);
        const forSeconds = parsePauseFor(values['for']);
        config = load(values['env'], deps);
        const job = findJob(config.schedules, positionals[0]!, config.environment.name);
        return await pauseJob(
          { env: config.environment, job, reason, forSeconds },
          { ...deps.clients(config.environment), out, now: deps.now },
        );
      }
      case 'stop': {
        const { values, positionals } = parse(rest, { ...envOption, reason: { type: 'string' } }, 1);
        const reason = parseReason(values['reason']);
        config = load(values['env'], deps);
        const job = findJob(config.schedules, positionals[0]!, config.environment.name);
        return await stopJob(
          { env: config.environment, job, reason },
          { ...deps.clients(config.environment), out, sleep: deps.sleep, now: deps.now },
        );
      }
      case 'backfill': {
        const { values, positionals } = parse(
          rest,
          { ...envOption, from: { type: 'string' }, to: { type: 'string' }, 'dry-run': { type: 'boolean' } },
          1,
        );
        if (typeof values['from'] !== 'string' || typeof values['to'] !== 'string') {
          throw new CliUsageError(
            'backfill needs --from and --to, e.g. --from 2026-11-22T00:00:00Z --to 2026-11-23T00:00:00Z',
          );
        }
        const from = parseFrom(values['from'], deps.now, '--from');
        const to = parseFrom(values['to'], deps.now, '--to');
        config = load(values['env'], deps);
        const job = findJob(config.schedules, positionals[0]!, config.environment.name);
        const { now, sleep, uuid } = deps;
        return await backfillJob(
          { env: config.environment, job, from, to, dryRun: values['dry-run'] === true },
          { ...deps.clients(config.environment), out, now, sleep, uuid },
        );
      }
      case 'resume': {
        const { values, positionals } = parse(rest, envOption, 1);
        config = load(values['env'], deps);
        const job = findJob(config.schedules, positionals[0]!, config.environment.name);
        return await resumeJob(
          { env: config.environment, job },
          { ...deps.clients(config.environment), out, now: deps.now },
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
  const name = typeof env === 'string' ? env : DEFAULT_ENVIRONMENT;
  const known = Object.keys(configFiles.environments);
  if (!known.includes(name)) {
    throw new CliUsageError(`--env ${name}: no such environment; choose one of ${known.join(', ')}`, false);
  }
  return (deps.load ?? loadConfig)(name);
}

function parseFrom(from: string | boolean | undefined, now: () => Date, option = '--from'): Date {
  if (typeof from !== 'string') return now();
  const date = new Date(from);
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(from) || Number.isNaN(date.getTime())) {
    throw new CliUsageError(`${option} "${from}" is not an ISO date-time such as 2026-11-22T00:00:00Z`);
  }
  return date;
}

function parseReason(reason: string | boolean | undefined): string {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!text)
    throw new CliUsageError('--reason is required: say why, e.g. --reason "vendor API down (INC-123)"');
  if (text.length > MAX_REASON_CHARS) {
    throw new CliUsageError(
      `--reason is ${text.length} characters; keep it under ${MAX_REASON_CHARS} (link the incident)`,
    );
  }
  return text;
}

function parsePauseFor(value: string | boolean | undefined): number {
  if (typeof value !== 'string') {
    throw new CliUsageError('--for is required: how long, e.g. --for 4h, so a forgotten pause runs out');
  }
  const parsed = durationSchema.safeParse(value);
  if (!parsed.success)
    throw new CliUsageError(`--for ${parsed.error.issues[0]?.message ?? 'is not a duration'}`);
  if (parsed.data > MAX_PAUSE_SECONDS) {
    throw new CliUsageError(
      `--for ${value} is longer than 7 days; to switch a job off, set enabled: false in config`,
    );
  }
  return parsed.data;
}

function parseLimit(limit: string | boolean | undefined): number {
  if (typeof limit !== 'string') return 10;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new CliUsageError(`--limit must be a whole number from 1 to 100`);
  return n;
}
