/**
 * Where batch-platform is deployed. Operators edit this file; lib/config validates it at synth.
 *
 * Every environment names its account explicitly: nothing falls back to CDK_DEFAULT_ACCOUNT
 * or the active AWS profile, so a deploy can never land in whatever account a shell points at.
 * Pick one with `-c env=<name>`; without it, `sandbox` is synthesized (offline, no credentials).
 *
 * Availability zones are listed rather than looked up, so synth needs no AWS call.
 * In ap-northeast-1 only a, c and d exist for accounts created since 2012.
 */
export const defaultEnvironment = 'sandbox';

export const environments = {
  sandbox: {
    account: '111111111111', // placeholder: synthesizes anywhere; replace to deploy a personal sandbox
    region: 'ap-northeast-1',
    availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
    vpcCidr: '10.10.0.0/16',
    natGateways: 1,
    logRetentionDays: 365, // at least a year: AWS Control Tower CT.CLOUDWATCH.PR.2
    defaultTimezone: 'Asia/Tokyo',
    notify: '#sre-batch-sandbox', // alarms, and jobs that name no channel of their own
  },
  staging: {
    account: '222222222222',
    region: 'ap-northeast-1',
    availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
    vpcCidr: '10.20.0.0/16',
    natGateways: 1,
    logRetentionDays: 365, // at least a year: AWS Control Tower CT.CLOUDWATCH.PR.2
    defaultTimezone: 'Asia/Tokyo',
    notify: '#sre-batch-staging',
    // pr-review.yml diffs pull requests against staging through this read-only role. If the
    // account already has a GitHub OIDC provider, add its oidcProviderArn here.
    review: {},
  },
  production: {
    account: '333333333333',
    region: 'ap-northeast-1',
    availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
    vpcCidr: '10.30.0.0/16',
    natGateways: 2, // one per zone: a zone outage must not cut every job's egress
    logRetentionDays: 365,
    defaultTimezone: 'Asia/Tokyo',
    notify: '#sre-batch',
    alarmEmails: ['sre-oncall@example.com'], // reaches people even when Slack or the notifier is down
    fargateVcpuQuota: 6,
    retainData: true,
  },
};

/**
 * The tooling account hosts the CDK Pipeline (`-c env=tooling`): it deploys the stages in
 * order, staging first, then production after a manual approval. Each target account
 * must trust it once: `cdk bootstrap --trust <tooling account> ...` (see README).
 */
export const tooling = {
  account: '444444444444',
  region: 'ap-northeast-1',
  connectionArn:
    'arn:aws:codeconnections:ap-northeast-1:444444444444:connection/00000000-0000-0000-0000-000000000000', // placeholder
  repository: 'example-org/batch-platform',
  branch: 'main',
  stages: ['staging', 'production'],
};
