import { describe, expect, it } from 'vitest';
import {
  LOG_RETENTION_DAYS,
  MIN_LOG_RETENTION_DAYS,
  parseEnvironments,
  selectEnvironment,
} from '../../lib/config/environment-schema';
import { ConfigError, loadConfig } from '../../lib/config';
import { problemsOf } from '../support/config-problems';

/** Built here, not read from config/: editing the shipped environments never breaks these tests. */
const env = {
  account: '123456789012',
  availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
  vpcCidr: '10.40.0.0/16',
  notify: '#sre-batch',
  natGateways: 1,
};
const problems = (change: Record<string, unknown>) =>
  problemsOf(() => parseEnvironments({ sandbox: { ...env, ...change } }));

describe('parseEnvironments', () => {
  it('fills every default and names each environment', () => {
    expect(parseEnvironments({ sandbox: env })).toEqual({
      sandbox: {
        ...env,
        name: 'sandbox',
        region: 'ap-northeast-1',
        logRetentionDays: 365,
        defaultTimezone: 'Asia/Tokyo',
        fargateVcpuQuota: 6,
        retainData: false,
      },
    });
  });

  it('takes a GitHub OIDC provider of another partition', () => {
    const arn = 'arn:aws-us-gov:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    expect(
      parseEnvironments({ sandbox: { ...env, review: { oidcProviderArn: arn } } }).sandbox!.review,
    ).toEqual({
      oidcProviderArn: arn,
    });
  });

  it('keeps what an environment sets', () => {
    const production = {
      ...env,
      region: 'us-gov-west-1',
      availabilityZones: ['us-gov-west-1a', 'us-gov-west-1b', 'us-gov-west-1c'],
      natGateways: 3,
      logRetentionDays: 3653,
      defaultTimezone: 'UTC',
      fargateVcpuQuota: 100,
      retainData: true,
      review: {
        oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      },
    };
    expect(parseEnvironments({ production }).production).toEqual({ ...production, name: 'production' });
  });

  it('accepts the boundaries: /16 and /22, 365 days, three zones, one NAT gateway per zone', () => {
    expect(() => parseEnvironments({ a1: { ...env, vpcCidr: '10.1.0.0/22' } })).not.toThrow();
    expect(() => parseEnvironments({ a1: { ...env, vpcCidr: '172.16.0.0/16' } })).not.toThrow();
    expect(() => parseEnvironments({ a1: { ...env, natGateways: 2 } })).not.toThrow();
    expect(MIN_LOG_RETENTION_DAYS).toBe(365);
    expect(LOG_RETENTION_DAYS).toContain(365);
    expect(() => parseEnvironments({ a1: { ...env, logRetentionDays: 365 } })).not.toThrow();
  });

  it.each([
    [
      'a /15',
      { vpcCidr: '10.0.0.0/15' },
      'sandbox.vpcCidr: "10.0.0.0/15" has prefix /15: a VPC needs /16 to /22 to fit public and private subnets in each zone',
    ],
    [
      'a /23',
      { vpcCidr: '10.0.0.0/23' },
      'sandbox.vpcCidr: "10.0.0.0/23" has prefix /23: a VPC needs /16 to /22',
    ],
    [
      'a public block',
      { vpcCidr: '100.64.0.0/16' },
      'sandbox.vpcCidr: "100.64.0.0/16" is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
    ],
    [
      'a malformed block',
      { vpcCidr: '10.0.0.0' },
      'sandbox.vpcCidr: "10.0.0.0" is not a valid IPv4 CIDR block with no host bits set, e.g. "10.10.0.0/16"',
    ],
    [
      'four zones',
      { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d', 'ap-northeast-1b'] },
      'sandbox.availabilityZones: lists more than three zones',
    ],
    [
      'a zone without its letter',
      { availabilityZones: ['ap-northeast-1', 'ap-northeast-1c'] },
      'sandbox.availabilityZones.0: "ap-northeast-1" is not an availability zone of region ap-northeast-1: use ap-northeast-1 followed by a zone letter, e.g. "ap-northeast-1a"',
    ],
    [
      'a zone with text before the region',
      { availabilityZones: ['xap-northeast-1a', 'ap-northeast-1c'] },
      'sandbox.availabilityZones.0: "xap-northeast-1a" is not an availability zone',
    ],
    [
      'a zone with two letters',
      { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1cc'] },
      'sandbox.availabilityZones.1: "ap-northeast-1cc" is not an availability zone',
    ],
    [
      'a missing zone list',
      { availabilityZones: undefined },
      'sandbox.availabilityZones: is required: list two availability zones',
    ],
    [
      'a missing VPC block',
      { vpcCidr: undefined },
      'sandbox.vpcCidr: is required: set a private /16 to /22 block',
    ],
    [
      'a fractional NAT count',
      { natGateways: 1.5 },
      'sandbox.natGateways: must be a whole number of NAT gateways',
    ],
    [
      'three NAT gateways for two zones',
      { natGateways: 3 },
      'sandbox.natGateways: is 3 but the VPC has only 2 zones: use at most one NAT gateway per zone',
    ],
    [
      'a region with text after',
      { region: 'ap-northeast-1x' },
      'sandbox.region: must be an AWS region code such as "ap-northeast-1", got "ap-northeast-1x"',
    ],
    [
      'a region with text before',
      { region: 'xap-northeast-1' },
      'sandbox.region: must be an AWS region code',
    ],
    ['a missing region given as null', { region: null }, 'sandbox.region: is required: set an AWS region'],
    [
      'a region that is no string',
      { region: 1 },
      'sandbox.region: must be a string, got a number: set an AWS region',
    ],
    [
      'a zone list that is no list',
      { availabilityZones: 'ap-northeast-1a' },
      'sandbox.availabilityZones: must be a list, got a string: list two',
    ],
    [
      'an account with 13 digits',
      { account: '1234567890123' },
      'sandbox.account: must be a 12-digit AWS account id (digits only, as a string), got "1234567890123"',
    ],
    ['an account with a prefix', { account: 'a123456789012' }, 'sandbox.account: must be a 12-digit'],
    ['a zero vCPU quota', { fargateVcpuQuota: 0 }, 'sandbox.fargateVcpuQuota: '],
    ['a retainData that is no boolean', { retainData: 'yes' }, 'sandbox.retainData: '],
    [
      'an unknown review field',
      { review: { role: 'x' } },
      'sandbox.review.role: is not a known field: use one of oidcProviderArn',
    ],
    [
      'an OIDC provider that is not GitHub’s',
      { review: { oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com' } },
      'sandbox.review.oidcProviderArn: must be the ARN of the GitHub OIDC provider',
    ],
    [
      'an OIDC provider ARN with text before',
      {
        review: {
          oidcProviderArn: 'x arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
        },
      },
      'sandbox.review.oidcProviderArn: must be the ARN',
    ],
    [
      'an OIDC provider ARN with text after',
      {
        review: {
          oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/x',
        },
      },
      'sandbox.review.oidcProviderArn: must be the ARN',
    ],
    [
      'an OIDC provider of another account',
      {
        review: {
          oidcProviderArn: 'arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com',
        },
      },
      'sandbox.review.oidcProviderArn: is in account 999999999999, but this environment deploys to 123456789012: the review role must trust the provider of its own account',
    ],
    [
      'a log retention of 14 days',
      { logRetentionDays: 14 },
      'sandbox.logRetentionDays: is 14 days, but AWS Control Tower (CT.CLOUDWATCH.PR.2) requires at least 365: use one of 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    ],
    [
      'a log retention CloudWatch lacks',
      { logRetentionDays: 366 },
      `sandbox.logRetentionDays: must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(', ')}`,
    ],
  ])('rejects %s', (_, change, message) => {
    const found = problems(change);
    expect(
      found.some((p) => p.startsWith(message)),
      found.join('\n'),
    ).toBe(true);
  });

  it.each(['Sandbox', 'a', 'x'.repeat(22), '1env', 'my_env'])('rejects the environment name %j', (name) => {
    expect(problemsOf(() => parseEnvironments({ [name]: env }))).toEqual([
      `${name}: environment names must be 2-21 lowercase letters, digits or "-" (they prefix stack names)`,
    ]);
  });

  it('accepts names of 2 and 21 characters', () => {
    expect(
      Object.keys(parseEnvironments({ ab: env, ['a'.repeat(21)]: { ...env, vpcCidr: '10.41.0.0/16' } })),
    ).toEqual(['ab', 'a'.repeat(21)]);
  });

  it('reports overlapping blocks of every pair, naming the later one', () => {
    expect(
      problemsOf(() =>
        parseEnvironments({
          one: env,
          two: { ...env, vpcCidr: '10.41.0.0/16' },
          three: { ...env, vpcCidr: '10.40.128.0/20' },
          four: { ...env, vpcCidr: '10.41.4.0/22' },
        }),
      ),
    ).toEqual([
      'three.vpcCidr: "10.40.128.0/20" overlaps one.vpcCidr "10.40.0.0/16": give each environment its own block so they can be peered or routed later',
      'four.vpcCidr: "10.41.4.0/22" overlaps two.vpcCidr "10.41.0.0/16": give each environment its own block so they can be peered or routed later',
    ]);
  });

  it('throws for the file it was given, and picks an environment by name', () => {
    const error = (() => {
      try {
        parseEnvironments({ Bad: env }, 'config/other.ts');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(error.file).toBe('config/other.ts');
    const byDefault = (() => {
      try {
        parseEnvironments({ Bad: env });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(byDefault.file).toBe('config/environments.ts');
    const all = parseEnvironments({ sandbox: env, staging: { ...env, vpcCidr: '10.41.0.0/16' } });
    expect(selectEnvironment(all, 'staging').vpcCidr).toBe('10.41.0.0/16');
    expect(() => selectEnvironment(all, 'prod')).toThrow(/^config\/environments\.ts is invalid:/);
    expect(problemsOf(() => selectEnvironment(all, 'prod'))).toEqual([
      '-c env=prod: no such environment; choose one of sandbox, staging',
    ]);
  });
});

describe('loadConfig', () => {
  it('validates every file from the sources it is given, for one environment', () => {
    const tooling = {
      account: '444444444444',
      connectionArn:
        'arn:aws:codeconnections:ap-northeast-1:444444444444:connection/0123abcd-0123-4567-89ab-0123456789ab',
      repository: 'acme/batch-platform',
      stages: ['staging'],
    };
    const sources = {
      defaultEnvironment: 'sandbox',
      environments: { sandbox: env, staging: { ...env, vpcCidr: '10.41.0.0/16' } },
      tooling,
      schedules: [],
      workers: [],
    };
    const config = loadConfig('staging', sources);
    expect(config.environment.name).toBe('staging');
    expect(config.tooling.branch).toBe('main');
    expect(config.schedules).toEqual([]);
    expect(config.workers).toEqual([]);
    let error: unknown;
    try {
      loadConfig('staging', { ...sources, tooling: { ...tooling, repository: 'x' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe('config/environments.ts');
  });
});

describe('a region and its zones that disagree', () => {
  it('blames a region AWS does not have, with the one meant, not the zones', () => {
    expect(problems({ region: 'ap-northest-1' })).toEqual([
      'sandbox.region: "ap-northest-1" is not an AWS region: did you mean "ap-northeast-1"?',
    ]);
    expect(problems({ region: 'xx-nowhere-9' })).toEqual([
      'sandbox.region: "xx-nowhere-9" is not an AWS region that aws-cdk-lib knows',
    ]);
  });

  it('names both fixes when both are real: other zones, or the zones’ region', () => {
    expect(problems({ region: 'ap-northeast-3' })).toEqual([
      'sandbox.availabilityZones.0: "ap-northeast-1a" is not an availability zone of region ap-northeast-3: use ap-northeast-3 followed by a zone letter, e.g. "ap-northeast-3a", or set region to "ap-northeast-1"',
      'sandbox.availabilityZones.1: "ap-northeast-1c" is not an availability zone of region ap-northeast-3: use ap-northeast-3 followed by a zone letter, e.g. "ap-northeast-3a", or set region to "ap-northeast-1"',
    ]);
  });

  it('suggests only the zone fix when the zone names no real region', () => {
    expect(problems({ availabilityZones: ['ap-northeast-1a', 'ap-northest-1c'] })).toEqual([
      'sandbox.availabilityZones.1: "ap-northest-1c" is not an availability zone of region ap-northeast-1: use ap-northeast-1 followed by a zone letter, e.g. "ap-northeast-1a"',
    ]);
  });
});

describe('an environment called tooling', () => {
  it('is refused: -c env=tooling synthesizes the pipeline', () => {
    expect(problemsOf(() => parseEnvironments({ tooling: env }))).toEqual([
      'tooling: is the name of the pipeline (-c env=tooling synthesizes it, not an environment): give the environment another name',
    ]);
  });
});

describe('notifications', () => {
  it('needs a channel for alarms and for jobs without one', () => {
    const { notify: _, ...withoutChannel } = env;
    expect(() => parseEnvironments({ sandbox: withoutChannel })).toThrow(
      /sandbox\.notify: is required: name the Slack channel alarms and job failures go to, e\.g\. "#sre-batch"/,
    );
  });

  it.each([
    [{ notify: 'sre-batch' }, 'sandbox.notify: must be a Slack channel such as "#sre-batch"'],
    [{ notify: '#SRE' }, 'sandbox.notify: must be a Slack channel such as "#sre-batch"'],
    [
      { alarmEmails: ['oncall'] },
      'sandbox.alarmEmails.0: must be an e-mail address such as "sre-oncall@example.com"',
    ],
    [
      { alarmEmails: Array.from({ length: 11 }, (_, i) => `a${i}@example.com`) },
      'sandbox.alarmEmails: lists more than 10 addresses: use a mailing list',
    ],
  ])('rejects %j', (change, problem) => {
    expect(() => parseEnvironments({ sandbox: { ...env, ...change } })).toThrow(problem);
  });

  it('keeps the channel and e-mail addresses', () => {
    const parsed = parseEnvironments({ sandbox: { ...env, alarmEmails: ['sre@example.com'] } }).sandbox!;
    expect([parsed.notify, parsed.alarmEmails]).toEqual(['#sre-batch', ['sre@example.com']]);
  });
});
