import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatFinding } from './findings';
import { checkSecrets, secretsToCheck, type SecretToCheck } from './secrets';
import { ACCOUNT, awsError, fixtureConfig, PLANTED_SECRET, testClients } from './test-support';

const sm = mockAws(SecretsManagerClient);
const ssm = mockAws(SSMClient);
const clients = testClients();

beforeEach(() => {
  sm.reset();
  ssm.reset();
});

const smSecret = (id: string, fields: (string | undefined)[], blocking = true): SecretToCheck => ({
  store: 'secretsManager',
  id,
  uses: fields.map((field, i) => ({ user: `job j${i}`, variable: `VAR${i}`, field, blocking })),
});
const ssmSecret = (id: string, blocking = true): SecretToCheck => ({
  store: 'ssm',
  id,
  uses: [{ user: 'worker w', variable: 'TOKEN', field: undefined, blocking }],
});

async function lines(secrets: SecretToCheck[]): Promise<string[]> {
  return (await checkSecrets(secrets, ACCOUNT, clients)).map(formatFinding);
}

describe('secretsToCheck', () => {
  it('lists each referenced secret once, with every job and worker using it; disabled jobs do not block', () => {
    const secrets = secretsToCheck(fixtureConfig());
    expect(secrets.map((s) => `${s.store}:${s.id}`)).toEqual([
      'secretsManager:batch/partner-api',
      'secretsManager:batch/slack-webhooks',
      'ssm:/batch/billing/api-token',
      'secretsManager:batch/ftp',
      'secretsManager:batch/fulfilment',
    ]);
    expect(secrets.find((s) => s.id === 'batch/ftp')!.uses).toEqual([
      { user: 'job ftp-import', variable: 'FTP_PASSWORD', field: undefined, blocking: false },
    ]);
    expect(secrets.find((s) => s.id === 'batch/fulfilment')!.uses[0]).toMatchObject({
      user: 'worker order-relay',
      field: 'token',
      blocking: true,
    });
  });
});

describe('Secrets Manager references', () => {
  it('passes when the JSON has every key, naming keys but never the value', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'batch/slack-webhooks' }).resolves({
      SecretString: JSON.stringify({ sales: PLANTED_SECRET, sre: PLANTED_SECRET }),
    });
    const out = await lines([smSecret('batch/slack-webhooks', ['sales', 'sre'])]);
    expect(out).toEqual([
      '✓ secret batch/slack-webhooks has key sales (used by VAR0 of job j0)',
      '✓ secret batch/slack-webhooks has key sre (used by VAR1 of job j1)',
    ]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1); // once per secret, not per key
  });

  it('blocks on a missing key and lists the keys that are there, without their values', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ apikey: PLANTED_SECRET }) });
    const out = await lines([smSecret('batch/partner-api', ['apiKey'])]);
    expect(out).toEqual([
      'blocker: secret batch/partner-api has no key "apiKey" (needed by VAR0 of job j0); its keys are apikey; fix: add "apiKey" to the secret\'s JSON, or correct "field" in config',
    ]);
    expect(out.join('\n')).not.toContain(PLANTED_SECRET);
  });

  it('blocks on a value that is not a JSON object without echoing the parser (which quotes the value)', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: PLANTED_SECRET });
    const out = await lines([smSecret('batch/partner-api', ['apiKey'])]);
    expect(out[0]).toMatch(
      /^blocker: secret batch\/partner-api is not a JSON object, so ECS cannot pick key apiKey/,
    );
    expect(out.join('\n')).not.toContain(PLANTED_SECRET);
    expect(out.join('\n')).not.toContain('pl4nted');
  });

  it('blocks on a secret that does not exist, with the command that creates it', async () => {
    sm.on(GetSecretValueCommand).rejects(awsError('ResourceNotFoundException'));
    expect(await lines([smSecret('batch/partner-api', ['apiKey'])])).toEqual([
      `blocker: secret batch/partner-api does not exist in account ${ACCOUNT} (needed by VAR0 of job j0); fix: aws secretsmanager create-secret --name batch/partner-api --secret-string '{"apiKey":"..."}'`,
    ]);
  });

  it('checks a whole-value secret with DescribeSecret, never reading its value', async () => {
    sm.on(DescribeSecretCommand).resolves({ Name: 'batch/ftp' });
    expect(await lines([smSecret('batch/ftp', [undefined])])).toEqual([
      '✓ secret batch/ftp exists (used by VAR0 of job j0)',
    ]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('only warns when the secret is missing but only disabled jobs use it', async () => {
    sm.on(DescribeSecretCommand).rejects(awsError('ResourceNotFoundException'));
    const [line] = await lines([smSecret('batch/ftp', [undefined], false)]);
    expect(line).toMatch(
      /^warning: secret batch\/ftp does not exist .* \(only disabled jobs use it\); fix: /,
    );
  });

  it('warns, not blocks, when the doctor may not read the secret', async () => {
    sm.on(GetSecretValueCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    expect(await lines([smSecret('batch/partner-api', ['apiKey'])])).toEqual([
      'warning: could not check the keys of secret batch/partner-api (AccessDeniedException); fix: run the doctor with a role allowed secretsmanager:GetSecretValue (and kms:Decrypt)',
    ]);
  });
});

describe('SSM parameter references', () => {
  it('passes for an existing SecureString, read without decryption', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Value: 'AQICAH-ciphertext' } });
    expect(await lines([ssmSecret('/batch/billing/api-token')])).toEqual([
      '✓ SSM parameter /batch/billing/api-token exists (used by TOKEN of worker w)',
    ]);
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({
      Name: '/batch/billing/api-token',
      WithDecryption: false,
    });
  });

  it('warns about a plain String parameter, without printing its value', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'String', Value: PLANTED_SECRET } });
    const out = await lines([ssmSecret('/batch/billing/api-token')]);
    expect(out[0]).toMatch(
      /^warning: SSM parameter \/batch\/billing\/api-token is a String, not a SecureString/,
    );
    expect(out.join('\n')).not.toContain(PLANTED_SECRET);
  });

  it('blocks on a missing parameter', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    expect(await lines([ssmSecret('/batch/billing/api-token')])).toEqual([
      `blocker: SSM parameter /batch/billing/api-token does not exist in account ${ACCOUNT} (needed by TOKEN of worker w); fix: aws ssm put-parameter --type SecureString --name /batch/billing/api-token --value <value>`,
    ]);
  });

  it('rethrows a credentials failure so the caller prints the one "no credentials" line', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    await expect(lines([ssmSecret('/x')])).rejects.toThrow('Could not load credentials');
  });
});
