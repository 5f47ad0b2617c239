import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runWithoutAws } from '../support/no-aws';
import { doctorMain, USAGE } from './main';
import {
  ACCOUNT,
  awsError,
  doctorDeps,
  fixtureSchedules,
  fixtureSources,
  PLANTED_SECRET,
  testClients,
} from './test-support';

const sts = mockAws(STSClient);
const sm = mockAws(SecretsManagerClient);
const ssm = mockAws(SSMClient);
const quotas = mockAws(ServiceQuotasClient);
const sns = mockAws(SNSClient);
const mocks = [sts, sm, ssm, quotas, sns];
const clients = testClients();

/** Two days of schedule reach the fixture's monthly job (Dec 1st) from this clock. */
const deps = (overrides: Parameters<typeof doctorDeps>[1] = {}) =>
  doctorDeps(clients, { now: () => new Date('2026-11-30T00:00:00Z'), peakDays: 2, ...overrides });

/** An account ready for its first deploy; each test breaks one thing. */
function healthyAccount() {
  sts.on(GetCallerIdentityCommand).resolves({
    Account: ACCOUNT,
    Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice`,
  });
  sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => {
    const keys: Record<string, string[]> = {
      'batch/partner-api': ['apiKey'],
      'batch/slack-webhooks': ['sales', 'sre'],
      'batch/fulfilment': ['token'],
    };
    return {
      SecretString: JSON.stringify(
        Object.fromEntries((keys[input.SecretId] ?? []).map((k) => [k, PLANTED_SECRET])),
      ),
    };
  });
  sm.on(DescribeSecretCommand).resolves({});
  ssm
    .on(GetParameterCommand, { Name: '/batch/billing/api-token' })
    .resolves({ Parameter: { Type: 'SecureString', Value: PLANTED_SECRET } })
    .on(GetParameterCommand, { Name: '/cdk-bootstrap/hnb659fds/version' })
    .resolves({ Parameter: { Type: 'String', Value: '30' } });
  quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 6 } });
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [
      {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        SubscriptionArn: `arn:aws:sns:ap-northeast-1:${ACCOUNT}:staging-batch-alarms:1`,
      },
    ],
  });
}

beforeEach(() => {
  for (const m of mocks) m.reset();
  healthyAccount();
});

const all = (d: ReturnType<typeof deps>) => [...d.out.stdout, ...d.out.stderr].join('\n');

describe('npm run doctor', () => {
  it('prints usage for --help, exit 0, without touching AWS', async () => {
    const d = deps();
    expect(await doctorMain(['--help'], d)).toBe(0);
    expect(d.out.stdout).toEqual([USAGE]);
    expect(sts.calls()).toHaveLength(0);
  });

  it.each([
    [['-c', 'env=nowhere'], /^error: -c env=nowhere: no such environment; choose one of staging, sandbox/],
    [['-c', 'env=tooling'], /tooling is the pipeline, not an environment/],
    [['-c', 'region=us-east-1'], /^error: -c region=us-east-1: the doctor reads only -c env=<name>/],
    [['--env', 'staging'], /^error: Unknown option '--env'/],
  ])('rejects %j with usage, exit 2', async (argv, message) => {
    const d = deps();
    expect(await doctorMain(argv, d)).toBe(2);
    expect(d.out.stderr[0]).toMatch(message);
  });

  it('passes a ready account: offline plan first, then one ✓ per check, exit 0', async () => {
    const d = deps();
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(0);
    expect(d.out.stdout).toEqual([
      'batch-platform doctor: staging',
      `✓ config is valid for staging: account ${ACCOUNT}, region ap-northeast-1, 4 jobs (3 enabled), 2 workers`,
      `will check with AWS credentials for ${ACCOUNT} (ap-northeast-1):`,
      '  - the credentials are for that account (sts:GetCallerIdentity)',
      '  - 5 referenced secrets exist, with the JSON keys tasks read:',
      '      batch/partner-api (Secrets Manager, key apiKey)',
      '      batch/slack-webhooks (Secrets Manager, key sales)',
      '      /batch/billing/api-token (SSM parameter)',
      '      batch/ftp (Secrets Manager)',
      '      batch/fulfilment (Secrets Manager, key token)',
      '  - Fargate vCPU quotas cover the busiest moment of the next 2 days: on-demand 2.75, Spot 2.25',
      '  - alarm topic staging-batch-alarms has a confirmed subscription',
      '  - CDK bootstrap version >= 6 (/cdk-bootstrap/hnb659fds/version)',
      `✓ credentials are for account ${ACCOUNT} (arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice)`,
      '✓ secret batch/partner-api has key apiKey (used by PARTNER_API_KEY of job partner-sync)',
      '✓ secret batch/slack-webhooks has key sales (used by SLACK_WEBHOOK_URL of job sales-report)',
      '✓ SSM parameter /batch/billing/api-token exists (used by BILLING_API_TOKEN of job invoice-run)',
      '✓ secret batch/ftp exists (used by FTP_PASSWORD of job ftp-import)',
      '✓ secret batch/fulfilment has key token (used by TARGET_TOKEN of worker order-relay)',
      expect.stringMatching(/^✓ Fargate On-Demand vCPU quota 6 covers the peak of 2.75 /),
      expect.stringMatching(/^✓ Fargate Spot vCPU quota 6 covers the peak of 2.25 /),
      '✓ alarm topic staging-batch-alarms has 1 confirmed subscription(s): email oncall@example.com',
      `✓ CDK bootstrap of ${ACCOUNT} ap-northeast-1 is version 30 (needs 6 or later)`,
      'no blockers, 0 warnings: staging is ready to deploy',
    ]);
    expect(d.out.stderr).toEqual([]);
    expect(all(d)).not.toContain(PLANTED_SECRET);
  });

  it('exits 1 on any blocker and names the fix, still running the other checks', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'batch/partner-api' }).resolves({
      SecretString: JSON.stringify({ api_key: PLANTED_SECRET }),
    });
    sns.on(ListSubscriptionsByTopicCommand).rejects(awsError('NotFoundException'));
    const d = deps();
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(1);
    expect(d.out.stdout).toContain(
      'blocker: secret batch/partner-api has no key "apiKey" (needed by PARTNER_API_KEY of job partner-sync); its keys are api_key; fix: add "apiKey" to the secret\'s JSON, or correct "field" in config',
    );
    expect(
      d.out.stdout.some((l) => l.startsWith('warning: alarm topic staging-batch-alarms does not exist yet')),
    ).toBe(true);
    expect(d.out.stdout.some((l) => l.startsWith('✓ CDK bootstrap'))).toBe(true);
    expect(d.out.stdout.at(-1)).toBe('1 blocker, 1 warning: fix the blockers before deploying staging');
    expect(all(d)).not.toContain(PLANTED_SECRET);
  });

  it('exits 0 with warnings only', async () => {
    sns.on(ListSubscriptionsByTopicCommand).rejects(awsError('NotFoundException'));
    const d = deps();
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(0);
    expect(d.out.stdout.at(-1)).toBe('no blockers, 1 warning: staging is ready to deploy');
  });

  it('stops with a blocker naming both accounts when the credentials are for another account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '999999999999',
      Arn: 'arn:aws:iam::999999999999:user/bob',
    });
    const d = deps();
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(1);
    expect(d.out.stdout.slice(-3)).toEqual([
      `blocker: the credentials are for account 999999999999 (arn:aws:iam::999999999999:user/bob), not staging's account ${ACCOUNT}; fix: run with a profile for ${ACCOUNT}, e.g. AWS_PROFILE=<profile> npm run doctor -- -c env=staging`,
      'skipped the other checks: they would read the wrong account',
      '1 blocker, 0 warnings: fix the blockers before deploying staging',
    ]);
    expect([sm.calls(), ssm.calls(), quotas.calls(), sns.calls()].map((c) => c.length)).toEqual([0, 0, 0, 0]);
  });

  it('without credentials: runs the offline part, then one clear line, exit 2', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const d = deps();
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(2);
    expect(d.out.stdout[1]).toMatch(/^✓ config is valid for staging/);
    expect(d.out.stdout.at(-1)).toBe('  - CDK bootstrap version >= 6 (/cdk-bootstrap/hnb659fds/version)');
    expect(d.out.stderr).toEqual([
      `error: no usable AWS credentials: "-c env=staging" needs an AWS profile or SSO session for the staging account ${ACCOUNT}, region ap-northeast-1 (e.g. aws sso login --profile <profile>, then AWS_PROFILE=<profile> npm run doctor -- -c env=staging)`,
    ]);
  });

  it('exits 2 when credentials expire part way', async () => {
    quotas
      .on(GetServiceQuotaCommand)
      .rejects(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
    const d = deps();
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(2);
    expect(d.out.stderr[0]).toMatch(/^error: no usable AWS credentials: /);
  });

  it('reports invalid config as blockers, exit 1, without asking for credentials', async () => {
    const [first, ...rest] = fixtureSchedules;
    const d = deps({
      config: { ...fixtureSources(), schedules: [{ ...first!, cron: '0 24 * * ? *' }, ...rest] },
    });
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(1);
    expect(d.out.stdout).toEqual([
      'batch-platform doctor: staging',
      'blocker: config/schedules.ts: partner-sync.cron: hours 24 is out of range 0-23 (midnight is 0); fix: edit config/schedules.ts',
      '1 blocker, 0 warnings: fix the blockers before deploying staging',
    ]);
    expect(sts.calls()).toHaveLength(0);
  });

  it('names the file of each blocker when several config files are invalid', async () => {
    const [first, ...rest] = fixtureSchedules;
    const sources = fixtureSources();
    const d = deps({
      config: {
        ...sources,
        schedules: [{ ...first!, cron: '0 24 * * ? *' }, ...rest],
        workers: [{ ...(sources.workers[0] as object), cpu: 3 }, ...sources.workers.slice(1)],
      },
    });
    expect(await doctorMain(['-c', 'env=staging'], d)).toBe(1);
    expect(d.out.stdout.slice(1, -1)).toEqual([
      'blocker: config/schedules.ts: partner-sync.cron: hours 24 is out of range 0-23 (midnight is 0); fix: edit config/schedules.ts',
      'blocker: config/workers.ts: order-relay.cpu: cpu 3 is not a Fargate size: use one of 256, 512, 1024, 2048, 4096, 8192, 16384 (1024 = 1 vCPU); fix: edit config/workers.ts',
    ]);
  });

  // scripts/doctor.ts's wiring (doctorCli) over the fixture config, so a config PR cannot fail it.
  it('end to end: the doctor process with no AWS configuration runs the offline part, then exits 2', () => {
    const result = runWithoutAws('test/fixtures/cli/doctor.ts', ['-c', 'env=production']);
    expect(result.stdout).toMatch(
      /^batch-platform doctor: production\n✓ config is valid for production: account 333333333333/,
    );
    expect(result.stdout).toContain('  - CDK bootstrap version >= 6 (/cdk-bootstrap/hnb659fds/version)');
    expect(result.stderr.trim()).toMatch(
      /^error: no usable AWS credentials: "-c env=production" needs an AWS profile or SSO session for the production account 333333333333/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(2);
  });
});
