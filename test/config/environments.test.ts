import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { problemsOf } from '../support/config-problems';
import { FIXTURE_CONFIG } from '../fixtures/config';

const valid = {
  account: '123456789012',
  region: 'ap-northeast-1',
  availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
  vpcCidr: '10.40.0.0/16',
  notify: '#sre-batch',
  natGateways: 1,
};

/** Loads `env` from the fixture config with one environment replaced (or added) by `override`. */
function loadWith(override: Record<string, unknown>, env = 'sandbox') {
  return loadConfig(env, {
    ...FIXTURE_CONFIG,
    environments: { ...FIXTURE_CONFIG.environments, [env]: override },
  });
}

describe('config/environments.ts', () => {
  it('accepts every fixture environment and defaults the region and time zone', () => {
    for (const name of Object.keys(FIXTURE_CONFIG.environments)) {
      expect(loadConfig(name, FIXTURE_CONFIG).environment.name).toBe(name);
    }
    const { environment } = loadWith({ ...valid, region: undefined });
    expect(environment.region).toBe('ap-northeast-1');
    expect(environment.defaultTimezone).toBe('Asia/Tokyo');
  });

  it.each([
    [
      'a missing account',
      { ...valid, account: undefined },
      /sandbox\.account: is required: set the 12-digit AWS account id/,
    ],
    [
      'a malformed account id',
      { ...valid, account: '1234-5678' },
      /sandbox\.account: must be a 12-digit AWS account id .*"1234-5678"/,
    ],
    ['an account given as a number', { ...valid, account: 123456789012 }, /sandbox\.account: /],
    ['an unknown region', { ...valid, region: 'tokyo' }, /sandbox\.region: must be an AWS region code/],
    [
      'an AZ of another region',
      { ...valid, availabilityZones: ['ap-northeast-1a', 'us-east-1a'] },
      /sandbox\.availabilityZones\.1: "us-east-1a" is not an availability zone of region ap-northeast-1/,
    ],
    [
      'one AZ only',
      { ...valid, availabilityZones: ['ap-northeast-1a'] },
      /sandbox\.availabilityZones: needs at least two/,
    ],
    [
      'the same AZ twice',
      { ...valid, availabilityZones: ['ap-northeast-1a', 'ap-northeast-1a'] },
      /sandbox\.availabilityZones\.1: "ap-northeast-1a" is listed twice/,
    ],
    [
      'an invalid CIDR',
      { ...valid, vpcCidr: '10.0.0.300/16' },
      /sandbox\.vpcCidr: "10\.0\.0\.300\/16" is not a valid IPv4 CIDR/,
    ],
    ['a CIDR with host bits', { ...valid, vpcCidr: '10.40.1.0/16' }, /sandbox\.vpcCidr: .* no host bits set/],
    ['a public CIDR', { ...valid, vpcCidr: '8.8.0.0/16' }, /sandbox\.vpcCidr: .* not inside a private range/],
    [
      'a CIDR too small for the subnets',
      { ...valid, vpcCidr: '10.40.0.0/24' },
      /sandbox\.vpcCidr: .* has prefix \/24/,
    ],
    [
      'more NAT gateways than zones',
      { ...valid, natGateways: 3 },
      /sandbox\.natGateways: is 3 but the VPC has only 2 zones/,
    ],
    ['no NAT gateway', { ...valid, natGateways: 0 }, /sandbox\.natGateways: must be at least 1/],
    [
      'a log retention CloudWatch does not offer',
      { ...valid, logRetentionDays: 10 },
      /sandbox\.logRetentionDays: must be a CloudWatch Logs retention period/,
    ],
    [
      'a log retention shorter than Control Tower allows',
      { ...valid, logRetentionDays: 30 },
      /sandbox\.logRetentionDays: is 30 days, but AWS Control Tower \(CT\.CLOUDWATCH\.PR\.2\) requires at least 365: use one of 365, 400/,
    ],
    [
      'a time-zone abbreviation',
      { ...valid, defaultTimezone: 'JST' },
      /sandbox\.defaultTimezone: is not a valid time zone: use an IANA name/,
    ],
    [
      'a misspelt field',
      { ...valid, natGateway: 1 },
      /^sandbox\.natGateway: is not a known field: did you mean "natGateways"\?$/,
    ],
  ])('rejects %s, naming the environment and the field', (_, override, message) => {
    const problems = problemsOf(() => loadWith(override));
    expect(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('rejects a VPC CIDR that overlaps another environment', () => {
    const problems = problemsOf(() => loadWith({ ...valid, vpcCidr: '10.20.128.0/20' }));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /vpcCidr: "10\.20\.0\.0\/16" overlaps sandbox\.vpcCidr "10\.20\.128\.0\/20"|sandbox\.vpcCidr: "10\.20\.128\.0\/20" overlaps staging/,
      ),
    );
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() => loadWith({ ...valid, account: 'x', vpcCidr: 'nope' }));
    expect(problems).toHaveLength(2);
  });

  it('rejects an unknown environment name and lists the valid ones', () => {
    expect(() => loadConfig('prod', FIXTURE_CONFIG)).toThrow(
      /-c env=prod: no such environment; choose one of sandbox, staging, production/,
    );
  });

  it('rejects a tooling block with a bad account, connection or repository, naming each field', () => {
    const tooling = { account: '42', connectionArn: 'github', repository: 'batch-platform' };
    const problems = problemsOf(() => loadConfig('sandbox', { ...FIXTURE_CONFIG, tooling }));
    expect(problems).toEqual([
      expect.stringMatching(/^tooling\.account: must be a 12-digit AWS account id/),
      expect.stringMatching(
        /^tooling\.connectionArn: must be the ARN of a CodeStar\/CodeConnections connection/,
      ),
      expect.stringMatching(/^tooling\.repository: must be "owner\/name"/),
    ]);
  });
});
