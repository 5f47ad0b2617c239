import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { STSClient } from '@aws-sdk/client-sts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import {
  ConfigError,
  configFiles,
  DEFAULT_ENVIRONMENT,
  loadConfig,
  type ConfigSources,
  type EnvironmentConfig,
  type PlatformConfig,
} from '../../lib/config';
import { durationSchema } from '../../lib/config/duration';
import { isIanaTimeZone } from '../../lib/config/timezone';
import { CliError, CliUsageError, credentialsMessage, describeAwsError, isCredentialsError } from './errors';
import { findJob } from './find-job';
import { listJobs } from './list';
import { backfillJob } from './backfill';
import { importCrontab, renderImport } from './crontab';
import { jobLogs } from './logs';
import { lsJobs } from './ls';
import { MAX_PAUSE_SECONDS, MAX_REASON_CHARS, pauseJob, resumeJob } from './pause';
import type { Output } from './output';
import { runJob } from './run';
import { jobStatus } from './status';
import { stopJob } from './stop';

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
  /** The config directory read. @default configFiles (the shipped config/) */
  readonly config?: ConfigSources;
  /** @default readFileSync(path, 'utf8') */
  readonly readFile?: (path: string) => string;
}

/** Why a command-line error is exit 2: the command was not understood, nothing was attempted. */
const USAGE_EXIT = 2;

/**
 * The command line, one subcommand per operator task, each with `--help`. Built per call: the
 * actions close over `deps` and report back through `result`.
 */
function program(deps: CliDeps, result: { code: number; config?: PlatformConfig }): Command {
  const { out } = deps;
  const load = (env: string | undefined) => (result.config = loadFor(env, deps));
  const clients = (config: PlatformConfig) => deps.clients(config.environment);
  const job = (config: PlatformConfig, name: string) =>
    findJob(config.schedules, name, config.environment.name);
  const envOption = () =>
    new Option(
      '--env <name>',
      `the environment, as in config/environments.ts (default ${DEFAULT_ENVIRONMENT})`,
    );
  const cli = new Command('npm run job --')
    .description(
      "Operators' view of the scheduled jobs. Every command but list and import-crontab needs AWS credentials for the environment's account.",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.line(text.replace(/\n$/, '')),
      writeErr: (text) => out.error(text.replace(/\n$/, '')),
    })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help to see the options)')
    .helpCommand(false);
  const command = (name: string, description: string) =>
    cli.command(name).description(description).addOption(envOption()).allowExcessArguments(false);

  command('list', 'every job, its schedule and next runs (offline)')
    .option('--from <ISO time>', 'list the runs after this time (default now)')
    .option('--json', 'the same as JSON, for scripts')
    .action((options: { env?: string; from?: string; json?: boolean }) => {
      const config = load(options.env);
      listJobs(config, parseTime(options.from, deps.now, '--from'), out, { json: options.json === true });
    });
  command('ls', 'every job: schedule, state, last run, next run, running now')
    .option('--json', 'the same as JSON, for scripts')
    .action(async (options: { env?: string; json?: boolean }) => {
      const config = load(options.env);
      result.code = await lsJobs(
        config,
        { json: options.json === true },
        { ...clients(config), out, now: deps.now },
      );
    });
  command('run', 'start a job now, through the same runner as its schedule; waits for the outcome')
    .argument('<job>', 'the job, as named in config/schedules.ts')
    .option('--no-wait', 'return once it started')
    .option('--force', 'run a job that is disabled in config')
    .action(async (name: string, options: { env?: string; wait: boolean; force?: boolean }) => {
      const config = load(options.env);
      const { now, sleep, uuid } = deps;
      result.code = await runJob(
        {
          env: config.environment,
          job: job(config, name),
          force: options.force === true,
          wait: options.wait,
        },
        { ...clients(config), out, now, sleep, uuid },
      );
    });
  command('status', "the job's recent runs, newest first, and a pause in force")
    .argument('<job>', 'the job, as named in config/schedules.ts')
    .option('--limit <n>', 'how many runs, 1-100 (default 10)')
    .option('--json', 'the records and the pause as JSON, for scripts')
    .action(async (name: string, options: { env?: string; limit?: string; json?: boolean }) => {
      const limit = parseLimit(options.limit);
      const config = load(options.env);
      result.code = await jobStatus(
        { env: config.environment, job: job(config, name), limit, json: options.json === true },
        { ...clients(config), out, now: deps.now },
      );
    });
  command('logs', "the container's output of the running or latest run")
    .argument('<job>', 'the job, as named in config/schedules.ts')
    .option('--run <name>', 'this run instead (its execution name, as status shows it)')
    .option('--follow', 'keep printing until the run ends')
    .action(async (name: string, options: { env?: string; run?: string; follow?: boolean }) => {
      const config = load(options.env);
      result.code = await jobLogs(
        {
          env: config.environment,
          job: job(config, name),
          follow: options.follow === true,
          ...(options.run ? { run: options.run } : {}),
        },
        { ...clients(config), out, sleep: deps.sleep },
      );
    });
  command(
    'pause',
    'its runs end Skipped with the reason until then; no deploy, takes effect at the next start',
  )
    .argument('<job>', 'the job, as named in config/schedules.ts')
    .option('--reason <text>', 'why, e.g. "vendor API down (INC-123)" (required)')
    .option('--for <duration>', 'how long, e.g. 4h, at most 7 days (required)')
    .action(async (name: string, options: { env?: string; reason?: string; for?: string }) => {
      const reason = parseReason(options.reason);
      const forSeconds = parsePauseFor(options.for);
      const config = load(options.env);
      result.code = await pauseJob(
        { env: config.environment, job: job(config, name), reason, forSeconds },
        { ...clients(config), out, now: deps.now },
      );
    });
  command('resume', 'lift a pause early')
    .argument('<job>', 'the job, as named in config/schedules.ts')
    .action(async (name: string, options: { env?: string }) => {
      const config = load(options.env);
      result.code = await resumeJob(
        { env: config.environment, job: job(config, name) },
        { ...clients(config), out, now: deps.now },
      );
    });
  command('stop', 'stop the run in progress: the runner records it Failed (not retried) with the reason')
    .argument('<job>', 'the job, as named in config/schedules.ts')
    .option('--reason <text>', 'why (required)')
    .action(async (name: string, options: { env?: string; reason?: string }) => {
      const reason = parseReason(options.reason);
      const config = load(options.env);
      result.code = await stopJob(
        { env: config.environment, job: job(config, name), reason },
        { ...clients(config), out, sleep: deps.sleep, now: deps.now },
      );
    });
  command('backfill', 'run the slots of a window that no run claimed, oldest first, one at a time')
    .argument('<job>', 'the job, as named in config/schedules.ts')
    .option('--from <ISO time>', 'start of the window, e.g. 2026-11-22T00:00:00Z (required)')
    .option('--to <ISO time>', 'end of the window, not included (required)')
    .option('--dry-run', 'list the slots and what claimed each; start nothing')
    .action(async (name: string, options: { env?: string; from?: string; to?: string; dryRun?: boolean }) => {
      if (!options.from || !options.to) {
        throw new CliUsageError(
          'backfill needs --from and --to, e.g. --from 2026-11-22T00:00:00Z --to 2026-11-23T00:00:00Z',
        );
      }
      const from = parseTime(options.from, deps.now, '--from');
      const to = parseTime(options.to, deps.now, '--to');
      const config = load(options.env);
      const { now, sleep, uuid } = deps;
      result.code = await backfillJob(
        { env: config.environment, job: job(config, name), from, to, dryRun: options.dryRun === true },
        { ...clients(config), out, now, sleep, uuid },
      );
    });
  command(
    'import-crontab',
    'a crontab as config/schedules.ts entries with AWS cron, and the lines to decide by hand (offline)',
  )
    .argument('<file>', 'the crontab, e.g. from crontab -l')
    .option('--owner <team>', 'the team that will own the jobs (required)')
    .option('--timezone <zone>', "the crontab server's zone (default: the environment's defaultTimezone)")
    .option('--timeout <duration>', 'the timeout every job gets, to review (default 1h)')
    .action(
      (file: string, options: { env?: string; owner?: string; timezone?: string; timeout?: string }) => {
        if (!options.owner) {
          throw new CliUsageError(
            '--owner is required: the team that will own the imported jobs, e.g. --owner sre',
          );
        }
        const config = load(options.env);
        const timezone = options.timezone ?? config.environment.defaultTimezone;
        if (!isIanaTimeZone(timezone)) {
          throw new CliUsageError(
            `--timezone "${timezone}" is not an IANA time zone such as Asia/Tokyo or UTC`,
          );
        }
        if (options.timeout !== undefined && !durationSchema.safeParse(options.timeout).success) {
          throw new CliUsageError(`--timeout "${options.timeout}" is not a duration such as 30m or 2h`);
        }
        let text: string;
        try {
          text = (deps.readFile ?? ((path) => readFileSync(path, 'utf8')))(file);
        } catch (error) {
          throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
        }
        const imported = importCrontab(text, {
          owner: options.owner,
          timezone,
          ...(options.timeout ? { timeout: options.timeout } : {}),
        });
        out.line(renderImport(imported, file));
        out.error(
          `${imported.jobs.length} job(s) imported, ${imported.untranslated.length} line(s) to decide by hand; paste the entries into config/schedules.ts and review each NOTE`,
        );
      },
    );
  return cli;
}

/** The top-level help, as `npm run job -- --help` prints it. */
export function usage(deps: CliDeps): string {
  return program(deps, { code: 0 }).helpInformation().replace(/\n$/, '');
}

/** Runs one CLI command and returns its exit code: 0 ok, 1 failed or refused, 2 bad command line. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { out } = deps;
  const result: { code: number; config?: PlatformConfig } = { code: 0 };
  const cli = program(deps, result);
  try {
    if (argv.length === 0) {
      out.error(cli.helpInformation().replace(/\n$/, ''));
      return USAGE_EXIT;
    }
    await cli.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (error) {
    const { config } = result;
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help) already.
      return error.exitCode === 0 ? 0 : USAGE_EXIT;
    }
    if (error instanceof CliUsageError) {
      out.error(`error: ${error.message}`);
      if (error.showUsage) out.error(`(npm run job -- ${argv[0]} --help shows its options)`);
      return USAGE_EXIT;
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

function loadFor(env: string | undefined, deps: CliDeps): PlatformConfig {
  const sources = deps.config ?? configFiles;
  const name = env ?? sources.defaultEnvironment;
  const known = Object.keys(sources.environments);
  if (!known.includes(name)) {
    throw new CliUsageError(`--env ${name}: no such environment; choose one of ${known.join(', ')}`, false);
  }
  return loadConfig(name, sources);
}

function parseTime(value: string | undefined, now: () => Date, option: string): Date {
  if (value === undefined) return now();
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(value) || Number.isNaN(date.getTime())) {
    throw new CliUsageError(`${option} "${value}" is not an ISO date-time such as 2026-11-22T00:00:00Z`);
  }
  return date;
}

function parseReason(reason: string | undefined): string {
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

function parsePauseFor(value: string | undefined): number {
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

function parseLimit(limit: string | undefined): number {
  if (typeof limit !== 'string') return 10;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new CliUsageError(`--limit must be a whole number from 1 to 100`);
  return n;
}
