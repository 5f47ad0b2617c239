import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import type { CliDeps } from './main';
import type { Output } from './output';

/**
 * Test helpers for the CLI: captured output, a fixed clock and uuid, instant sleeps, and the
 * fixture config (not the operators' config/).
 */

export interface Captured extends Output {
  readonly stdout: string[];
  readonly stderr: string[];
}

export function captureOutput(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    line: (text = '') => stdout.push(text),
    error: (text) => stderr.push(text),
  };
}

export const FIXED_UUID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

export function testClients() {
  // Static fake keys: aws-sdk-client-mock answers before any request is signed or sent.
  const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
  return {
    sfn: new SFNClient({ region: 'ap-northeast-1', credentials }),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-1', credentials })),
    logs: new CloudWatchLogsClient({ region: 'ap-northeast-1', credentials }),
    sts: new STSClient({ region: 'ap-northeast-1', credentials }),
    ecs: new ECSClient({ region: 'ap-northeast-1', credentials }),
  };
}

export function cliDeps(overrides: Partial<CliDeps> = {}): CliDeps & { out: Captured; sleeps: number[] } {
  const sleeps: number[] = [];
  const clients = testClients();
  return {
    out: captureOutput(),
    now: () => new Date('2026-11-22T00:00:00Z'),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    uuid: () => FIXED_UUID,
    clients: () => clients,
    config: FIXTURE_CONFIG,
    sleeps,
    ...overrides,
  } as CliDeps & { out: Captured; sleeps: number[] };
}
