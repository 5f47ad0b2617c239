import { loadConfig, type ConfigSources, type PlatformConfig } from '../../lib/config';
import type { ScheduledJobInput } from '../../lib/config/schedule-schema';
import type { WorkerInput } from '../../lib/config/worker-schema';
import { captureOutput, type Captured } from '../job/test-support';
import { doctorClients } from './clients';
import type { DoctorClients, DoctorDeps } from './main';

/**
 * The doctor's tests own their config (not the operators' live config/): one environment,
 * a few jobs and workers whose secrets, sizes and times the assertions below depend on.
 */
export const ACCOUNT = '222222222222';

/** A secret value planted in mocked answers: it must never appear in the doctor's output. */
export const PLANTED_SECRET = 'pl4nted-s3cret-VALUE-9f2c';

export const fixtureSchedules: ScheduledJobInput[] = [
  {
    name: 'partner-sync',
    description: 'test',
    owner: 'commerce',
    cron: '*/5 * * * ? *',
    command: ['node', 'main.js', 'partner-sync'],
    secrets: { PARTNER_API_KEY: { secretsManager: 'batch/partner-api', field: 'apiKey' } },
    timeout: '4m',
    expectedDuration: '1m',
  },
  {
    name: 'sales-report',
    description: 'test',
    owner: 'data',
    cron: '0 3 * * ? *',
    command: ['node', 'main.js', 'sales-report'],
    secrets: { SLACK_WEBHOOK_URL: { secretsManager: 'batch/slack-webhooks', field: 'sales' } },
    cpu: 1024,
    memory: 2048,
    timeout: '1h',
    expectedDuration: '20m',
  },
  {
    name: 'invoice-run',
    description: 'test',
    owner: 'billing',
    cron: '0 3 1 * ? *', // monthly, with sales-report: only a scan of more than a day sees it
    command: ['node', 'main.js', 'invoice-run'],
    secrets: { BILLING_API_TOKEN: { ssmParameter: '/batch/billing/api-token' } },
    cpu: 2048,
    memory: 4096,
    timeout: '2h',
    expectedDuration: '45m',
    capacity: 'on-demand',
  },
  {
    name: 'ftp-import',
    description: 'test',
    owner: 'commerce',
    cron: '15 4 * * ? *',
    command: ['node', 'main.js', 'ftp-import'],
    secrets: { FTP_PASSWORD: { secretsManager: 'batch/ftp' } },
    timeout: '30m',
    enabled: false,
    disabledReason: 'retired',
  },
];

export const fixtureWorkers: WorkerInput[] = [
  {
    name: 'order-relay',
    description: 'test',
    owner: 'commerce',
    command: ['node', 'main.js', 'webhook-relay'],
    secrets: { TARGET_TOKEN: { secretsManager: 'batch/fulfilment', field: 'token' } },
    maxProcessingTime: '30s',
    visibilityTimeout: '2m',
    scaling: { min: 1, max: 5, messagesPerTask: 100 },
  },
  {
    name: 'reconciler',
    description: 'test',
    owner: 'billing',
    command: ['node', 'main.js', 'webhook-relay'],
    cpu: 512,
    memory: 1024,
    maxProcessingTime: '1m',
    visibilityTimeout: '3m',
    singleton: true,
  },
];

/** The doctor's config directory: staging (checked by the tests) and sandbox. */
export function fixtureSources(overrides: { fargateVcpuQuota?: number } = {}): ConfigSources {
  return {
    defaultEnvironment: 'sandbox',
    environments: {
      staging: {
        account: ACCOUNT,
        region: 'ap-northeast-1',
        availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
        vpcCidr: '10.20.0.0/16',
        natGateways: 1,
        notify: '#sre-batch',
        fargateVcpuQuota: overrides.fargateVcpuQuota ?? 6,
      },
      sandbox: {
        account: '111111111111',
        availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
        vpcCidr: '10.10.0.0/16',
        natGateways: 1,
        notify: '#sre-batch',
      },
    },
    tooling: {
      account: '444444444444',
      connectionArn:
        'arn:aws:codeconnections:ap-northeast-1:444444444444:connection/00000000-0000-0000-0000-000000000000',
      repository: 'example-org/batch-platform',
      stages: ['staging'],
    },
    schedules: fixtureSchedules,
    workers: fixtureWorkers,
  };
}

export function fixtureConfig(overrides: { fargateVcpuQuota?: number } = {}): PlatformConfig {
  return loadConfig('staging', fixtureSources(overrides));
}

export function testClients(): DoctorClients {
  // Static fake keys: aws-sdk-client-mock answers before any request is signed or sent.
  const options = {
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  };
  return doctorClients(options);
}

/** Deps over the fixture config at a fixed time, with the bootstrap requirement of aws-cdk-lib 2.276. */
export function doctorDeps(
  clients: DoctorClients,
  overrides: Partial<DoctorDeps> = {},
): DoctorDeps & { out: Captured } {
  return {
    out: captureOutput(),
    now: () => new Date('2026-11-22T00:00:00Z'),
    clients: () => clients,
    config: fixtureSources(),
    requiredBootstrap: () => ({ version: 6, parameter: '/cdk-bootstrap/hnb659fds/version' }),
    ...overrides,
  } as DoctorDeps & { out: Captured };
}

/** An error shaped like the SDK's service exceptions (name is what the checks look at). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}
