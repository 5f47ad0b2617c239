import { RegionInfo } from 'aws-cdk-lib/region-info';
import { z } from 'zod';
import { parseCidr, isPrivate, overlaps } from './cidr';
import { ConfigError, describeIssues, typeError } from './config-error';
import { closestMatch } from './did-you-mean';
import { isIanaTimeZone, TIME_ZONE_HINT } from './timezone';

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * The shortest retention allowed: AWS Control Tower's CT.CLOUDWATCH.PR.2, which organisations
 * enforce as a CloudFormation hook, rejects a log group kept for less than a year.
 */
export const MIN_LOG_RETENTION_DAYS = 365;

/** `-c env=tooling` synthesizes the delivery pipeline, so no environment may be called that. */
export const PIPELINE_ENVIRONMENT = 'tooling';

/** A Slack channel name as people write it; the bot must be invited to it. */
export const SLACK_CHANNEL = /^#[a-z0-9][a-z0-9_-]{0,79}$/;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export const accountId = z
  .string({ error: typeError('a string', 'set the 12-digit AWS account id this environment deploys to') })
  .regex(/^\d{12}$/, {
    error: (iss) =>
      `must be a 12-digit AWS account id (digits only, as a string), got ${JSON.stringify(iss.input)}`,
  });

/** Regions as aws-cdk-lib knows them (its region-info database, updated with each release). */
const KNOWN_REGIONS = RegionInfo.regions.map((r) => r.name);

export const region = z
  .string({ error: typeError('a string', 'set an AWS region such as "ap-northeast-1"') })
  .regex(REGION, {
    error: (iss) => `must be an AWS region code such as "ap-northeast-1", got ${JSON.stringify(iss.input)}`,
  })
  // A well-formed typo ("ap-northest-1") would otherwise pass here and be blamed on the zones.
  .refine((name) => KNOWN_REGIONS.includes(name), {
    error: (iss) => {
      const match = closestMatch(String(iss.input), KNOWN_REGIONS);
      return `"${String(iss.input)}" is not an AWS region${match ? `: did you mean "${match}"?` : ' that aws-cdk-lib knows'}`;
    },
  });

export const environmentSchema = z
  .strictObject({
    account: accountId,
    region: region.default('ap-northeast-1'),
    availabilityZones: z
      .array(z.string(), {
        error: typeError(
          'a list',
          'list two availability zones, e.g. ["ap-northeast-1a", "ap-northeast-1c"]',
        ),
      })
      .min(2, { error: 'needs at least two availability zones so a zone outage does not stop every job' })
      .max(3, {
        error: 'lists more than three zones; two are enough for batch work and each adds subnets and cost',
      }),
    vpcCidr: z.string({
      error: typeError('a string', 'set a private /16 to /22 block such as "10.10.0.0/16"'),
    }),
    natGateways: z
      .int({
        error: 'must be a whole number of NAT gateways (1 for non-production, one per AZ for production)',
      })
      .min(1, {
        error: 'must be at least 1: tasks in private subnets need a NAT gateway for the fixed egress IP',
      }),
    logRetentionDays: z
      .literal(LOG_RETENTION_DAYS, {
        error: `must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .refine((days) => days >= MIN_LOG_RETENTION_DAYS, {
        error: (iss) =>
          `is ${String(iss.input)} days, but AWS Control Tower (CT.CLOUDWATCH.PR.2) requires at least ${MIN_LOG_RETENTION_DAYS}: use one of ${LOG_RETENTION_DAYS.filter((d) => d >= MIN_LOG_RETENTION_DAYS).join(', ')}`,
      })
      .default(MIN_LOG_RETENTION_DAYS),
    defaultTimezone: z
      .string()
      .refine(isIanaTimeZone, { error: `is not a valid time zone: ${TIME_ZONE_HINT}` })
      .default('Asia/Tokyo'),
    /**
     * The Slack channel this environment's alarms go to, and the channel of every job that
     * names none of its own (`notify` in config/schedules.ts).
     */
    notify: z
      .string({
        error: typeError(
          'a string',
          'name the Slack channel alarms and job failures go to, e.g. "#sre-batch"',
        ),
      })
      .regex(SLACK_CHANNEL, { error: 'must be a Slack channel such as "#sre-batch"' }),
    /** Addresses that get every alarm by e-mail too: the path that works when Slack or the notifier does not. */
    alarmEmails: z
      .array(z.email({ error: 'must be an e-mail address such as "sre-oncall@example.com"' }))
      .max(10, { error: 'lists more than 10 addresses: use a mailing list' })
      .optional(),
    /** Fargate On-Demand vCPU quota of the account (Service Quotas L-3032A538); used by schedule review. */
    fargateVcpuQuota: z.number().positive().default(6),
    /** Keep tables and log groups when a stack is deleted (production). */
    retainData: z.boolean().default(false),
    /**
     * Deploy the read-only role that pr-review.yml assumes to `cdk diff` against this
     * environment, for pull requests of `tooling.repository`. Opt-in: only the environment
     * the review diffs against (staging) needs it.
     */
    review: z
      .strictObject({
        /** ARN of the account's GitHub OIDC provider, if one exists already (one per account). */
        oidcProviderArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, {
            error:
              'must be the ARN of the GitHub OIDC provider, "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com"; leave it out to create one',
          })
          .optional(),
      })
      .optional(),
  })
  .superRefine((env, ctx) => {
    const seen = new Set<string>();
    env.availabilityZones.forEach((az, i) => {
      // An unknown region is reported on its own: its zones are not to blame for it.
      if (KNOWN_REGIONS.includes(env.region) && !new RegExp(`^${env.region}[a-z]$`).test(az)) {
        // Both fields name a region; which one is wrong is the operator's call, so say both fixes.
        const zoneRegion = az.slice(0, -1);
        const otherFix = KNOWN_REGIONS.includes(zoneRegion) ? `, or set region to "${zoneRegion}"` : '';
        ctx.addIssue({
          code: 'custom',
          path: ['availabilityZones', i],
          message: `"${az}" is not an availability zone of region ${env.region}: use ${env.region} followed by a zone letter, e.g. "${env.region}a"${otherFix}`,
        });
      }
      if (seen.has(az)) {
        ctx.addIssue({
          code: 'custom',
          path: ['availabilityZones', i],
          message: `"${az}" is listed twice: the VPC spans distinct zones`,
        });
      }
      seen.add(az);
    });
    if (env.natGateways > env.availabilityZones.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['natGateways'],
        message: `is ${env.natGateways} but the VPC has only ${env.availabilityZones.length} zones: use at most one NAT gateway per zone`,
      });
    }
    const providerAccount = env.review?.oidcProviderArn?.split(':')[4];
    if (providerAccount && providerAccount !== env.account) {
      ctx.addIssue({
        code: 'custom',
        path: ['review', 'oidcProviderArn'],
        message: `is in account ${providerAccount}, but this environment deploys to ${env.account}: the review role must trust the provider of its own account`,
      });
    }
    const block = parseCidr(env.vpcCidr);
    if (!block) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpcCidr'],
        message: `"${env.vpcCidr}" is not a valid IPv4 CIDR block with no host bits set, e.g. "10.10.0.0/16"`,
      });
    } else if (!isPrivate(block)) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpcCidr'],
        message: `"${env.vpcCidr}" is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`,
      });
    } else if (block.prefix < 16 || block.prefix > 22) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpcCidr'],
        message: `"${env.vpcCidr}" has prefix /${block.prefix}: a VPC needs /16 to /22 to fit public and private subnets in each zone`,
      });
    }
  });

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema> & { readonly name: string };

/**
 * Validates every environment at once (so CIDR overlaps between them are caught) and
 * returns them by name. Throws a ConfigError naming the environment, the field and the fix.
 */
export function parseEnvironments(
  input: Record<string, unknown>,
  file = 'config/environments.ts',
): Record<string, EnvironmentConfig> {
  const problems: string[] = [];
  const parsed: Record<string, EnvironmentConfig> = {};
  for (const [name, raw] of Object.entries(input)) {
    if (!/^[a-z][a-z0-9-]{1,20}$/.test(name)) {
      problems.push(
        `${name}: environment names must be 2-21 lowercase letters, digits or "-" (they prefix stack names)`,
      );
      continue;
    }
    if (name === PIPELINE_ENVIRONMENT) {
      problems.push(
        `${name}: is the name of the pipeline (-c env=${PIPELINE_ENVIRONMENT} synthesizes it, not an environment): give the environment another name`,
      );
      continue;
    }
    const result = environmentSchema.safeParse(raw);
    if (result.success) parsed[name] = { ...result.data, name };
    else problems.push(...describeIssues(name, result.error.issues, environmentSchema));
  }
  const names = Object.keys(parsed);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = parsed[names[i]!]!;
      const b = parsed[names[j]!]!;
      // Only environments that passed the schema are here, so both blocks parse.
      if (overlaps(parseCidr(a.vpcCidr)!, parseCidr(b.vpcCidr)!)) {
        problems.push(
          `${b.name}.vpcCidr: "${b.vpcCidr}" overlaps ${a.name}.vpcCidr "${a.vpcCidr}": give each environment its own block so they can be peered or routed later`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return parsed;
}

/** Picks the environment named by `-c env=<name>`, with a message listing the valid names. */
export function selectEnvironment(
  environments: Record<string, EnvironmentConfig>,
  name: string,
): EnvironmentConfig {
  const env = environments[name];
  if (!env) {
    throw new ConfigError('config/environments.ts', [
      `-c env=${name}: no such environment; choose one of ${Object.keys(environments).join(', ')}`,
    ]);
  }
  return env;
}
