import { parseArgs } from 'node:util';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  ConfigError,
  configFiles,
  DEFAULT_ENVIRONMENT,
  loadConfig,
  type ConfigSources,
  type EnvironmentConfig,
  type PlatformConfig,
} from '../../lib/config';
import { credentialsMessage, isCredentialsError } from '../job/errors';
import type { Output } from '../job/output';
import { alarmTopicName, checkAlarmTopic } from './alarm-topic';
import { checkBootstrap, requiredBootstrap, type BootstrapRequirement } from './bootstrap';
import { blocker, formatFinding, ok, type Finding } from './findings';
import { checkFargateQuotas, fargateNeeds, PEAK_DAYS } from './quotas';
import { checkSecrets, describeSecret, secretsToCheck } from './secrets';

export const USAGE = `usage: npm run doctor -- -c env=<name>

Checks, before the first deploy of an environment, what its templates cannot: config is
valid; then, with AWS credentials for the environment's account: the credentials' account,
every secret config references (and the JSON keys tasks read), the Fargate vCPU quotas
against the schedule's peak, a confirmed subscription on the alarm topic, and the CDK
bootstrap version. Prints one line per finding: ✓, warning: or blocker:, with the fix.

-c env defaults to ${DEFAULT_ENVIRONMENT}, as for cdk synth.
Exit codes: 0 no blockers, 1 blockers, 2 no usable AWS credentials or a bad command line.`;

export interface DoctorClients {
  readonly sts: STSClient;
  readonly secrets: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly quotas: ServiceQuotasClient;
  readonly sns: SNSClient;
}

export interface DoctorDeps {
  readonly out: Output;
  readonly now: () => Date;
  /** Called only after the offline part, so it runs without an SDK client or credentials. */
  readonly clients: (env: EnvironmentConfig) => DoctorClients;
  /** The config directory read. @default configFiles (the shipped config/) */
  readonly config?: ConfigSources;
  /** Days of schedule scanned for the vCPU peak; tests shorten it. @default PEAK_DAYS */
  readonly peakDays?: number;
  /** @default requiredBootstrap (synthesizes a probe stack) */
  readonly requiredBootstrap?: (env: EnvironmentConfig) => BootstrapRequirement;
}

class UsageError extends Error {}

/** Runs the doctor; returns the exit code (see USAGE). */
export async function doctorMain(argv: readonly string[], deps: DoctorDeps): Promise<number> {
  const { out } = deps;
  const sources = deps.config ?? configFiles;
  let envName: string;
  try {
    const parsed = parseCommandLine(argv, sources);
    if (parsed.help) {
      out.line(USAGE);
      return 0;
    }
    envName = parsed.env;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }

  out.line(`batch-platform doctor: ${envName}`);
  let config: PlatformConfig;
  try {
    config = loadConfig(envName, sources);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const { file, problems } of error.files) {
      for (const problem of problems) out.line(formatFinding(blocker(`${file}: ${problem}`, `edit ${file}`)));
    }
    return summary(out, error.problems.length, 0, envName);
  }
  const env = config.environment;
  const counts = { blockers: 0, warnings: 0 };
  const report = (findings: readonly Finding[]) => {
    for (const finding of findings) {
      out.line(formatFinding(finding));
      if (finding.level === 'blocker') counts.blockers++;
      if (finding.level === 'warning') counts.warnings++;
    }
  };

  // Offline: everything config alone can tell, and the plan for the online part.
  const enabled = config.schedules.filter((j) => j.enabled).length;
  report([
    ok(
      `config is valid for ${env.name}: account ${env.account}, region ${env.region}, ` +
        `${config.schedules.length} jobs (${enabled} enabled), ${config.workers.length} workers`,
    ),
  ]);
  const secrets = secretsToCheck(config);
  const days = deps.peakDays ?? PEAK_DAYS;
  const needs = fargateNeeds(config, deps.now(), days);
  const bootstrap = (deps.requiredBootstrap ?? requiredBootstrap)(env);
  out.line(`will check with AWS credentials for ${env.account} (${env.region}):`);
  out.line('  - the credentials are for that account (sts:GetCallerIdentity)');
  out.line(`  - ${secrets.length} referenced secrets exist, with the JSON keys tasks read:`);
  for (const secret of secrets) out.line(`      ${describeSecret(secret)}`);
  out.line(
    `  - Fargate vCPU quotas cover the busiest moment of the next ${days} days: ` +
      `on-demand ${needs.onDemand.vcpu}, Spot ${needs.spot.vcpu}`,
  );
  out.line(`  - alarm topic ${alarmTopicName(env.name)} has a confirmed subscription`);
  out.line(`  - CDK bootstrap version >= ${bootstrap.version} (${bootstrap.parameter})`);

  const clients = deps.clients(env);
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account !== env.account) {
      report([
        blocker(
          `the credentials are for account ${identity.Account ?? 'unknown'} (${identity.Arn ?? '?'}), not ${env.name}'s account ${env.account}`,
          `run with a profile for ${env.account}, e.g. AWS_PROFILE=<profile> npm run doctor -- -c env=${env.name}`,
        ),
      ]);
      out.line('skipped the other checks: they would read the wrong account');
      return summary(out, counts.blockers, counts.warnings, env.name);
    }
    report([ok(`credentials are for account ${env.account} (${identity.Arn ?? 'unknown identity'})`)]);
    report(await checkSecrets(secrets, env.account, clients));
    report(await checkFargateQuotas(config, needs, clients.quotas));
    report(await checkAlarmTopic(env, clients.sns));
    report(await checkBootstrap(env, config.tooling, bootstrap, clients.ssm));
  } catch (error) {
    if (isCredentialsError(error)) {
      out.error(credentialsMessage(env, `-c env=${env.name}`, 'npm run doctor --'));
      return 2;
    }
    throw error;
  }
  return summary(out, counts.blockers, counts.warnings, env.name);
}

function summary(out: Output, blockers: number, warnings: number, env: string): number {
  const w = `${warnings} warning${warnings === 1 ? '' : 's'}`;
  if (blockers > 0) {
    out.line(
      `${blockers} blocker${blockers === 1 ? '' : 's'}, ${w}: fix the blockers before deploying ${env}`,
    );
    return 1;
  }
  out.line(`no blockers, ${w}: ${env} is ready to deploy`);
  return 0;
}

/** `-c env=<name>`, as cdk takes it; or `--help`. */
function parseCommandLine(
  argv: readonly string[],
  sources: ConfigSources,
): { help: true } | { help: false; env: string } {
  let values: { context?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        context: { type: 'string', short: 'c', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  let name = sources.defaultEnvironment;
  for (const pair of values.context ?? []) {
    const match = /^env=(.+)$/.exec(pair);
    if (!match) throw new UsageError(`-c ${pair}: the doctor reads only -c env=<name>`);
    name = match[1]!;
  }
  const known = Object.keys(sources.environments);
  if (!known.includes(name)) {
    const tooling =
      name === 'tooling' ? ' (tooling is the pipeline, not an environment: check each stage it deploys)' : '';
    throw new UsageError(`-c env=${name}: no such environment${tooling}; choose one of ${known.join(', ')}`);
  }
  return { help: false, env: name };
}
