import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { PlatformConfig } from '../../lib/config';
import type { SecretRef } from '../../lib/config/common-schema';
import { awsErrorName, blocker, couldNotCheck, ok, warning, type Finding } from './findings';

/** One variable of one job or worker that takes its value from a secret. */
export interface SecretUse {
  /** `job nightly-sales-report` or `worker ledger-exporter`. */
  readonly user: string;
  readonly variable: string;
  readonly field: string | undefined;
  /**
   * A missing secret blocks: a worker's service never becomes stable (so the deploy itself
   * fails after ECS gives up), an enabled job fails every run. For a disabled job it can wait.
   */
  readonly blocking: boolean;
}

/** Every secret the config references, once each, with everything that uses it. */
export interface SecretToCheck {
  readonly store: 'secretsManager' | 'ssm';
  /** Secret name or ARN, or SSM parameter name, exactly as written in config. */
  readonly id: string;
  readonly uses: readonly SecretUse[];
}

export function secretsToCheck(config: PlatformConfig): SecretToCheck[] {
  const byId = new Map<string, { store: SecretToCheck['store']; id: string; uses: SecretUse[] }>();
  const add = (user: string, blocking: boolean, secrets: Readonly<Record<string, SecretRef>>) => {
    for (const [variable, ref] of Object.entries(secrets)) {
      const store = 'ssmParameter' in ref ? 'ssm' : 'secretsManager';
      const id = 'ssmParameter' in ref ? ref.ssmParameter : ref.secretsManager;
      const field = 'field' in ref ? ref.field : undefined;
      const key = `${store}:${id}`;
      const entry = byId.get(key) ?? { store, id, uses: [] };
      entry.uses.push({ user, variable, field, blocking });
      byId.set(key, entry);
    }
  };
  for (const job of config.schedules) add(`job ${job.name}`, job.enabled, job.secrets);
  for (const worker of config.workers) add(`worker ${worker.name}`, true, worker.secrets);
  return [...byId.values()];
}

/** `batch/slack-webhooks (Secrets Manager, keys sales, sre)`: for the offline plan. */
export function describeSecret(secret: SecretToCheck): string {
  if (secret.store === 'ssm') return `${secret.id} (SSM parameter)`;
  const fields = [...new Set(secret.uses.flatMap((u) => (u.field ? [u.field] : [])))];
  const keys = fields.length === 0 ? '' : `, ${fields.length === 1 ? 'key' : 'keys'} ${fields.join(', ')}`;
  return `${secret.id} (Secrets Manager${keys})`;
}

export interface SecretClients {
  readonly secrets: SecretsManagerClient;
  readonly ssm: SSMClient;
}

/**
 * Checks each secret exists and each JSON key a task needs is in it. Values are read only to
 * list their keys: no value, and no parser message (which quotes the text), is ever printed.
 */
export async function checkSecrets(
  secrets: readonly SecretToCheck[],
  account: string,
  clients: SecretClients,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const secret of secrets) {
    findings.push(
      ...(secret.store === 'ssm'
        ? await checkParameter(secret, account, clients.ssm)
        : await checkSecretsManager(secret, account, clients.secrets)),
    );
  }
  return findings;
}

const usedBy = (uses: readonly SecretUse[]) =>
  [...new Set(uses.map((u) => `${u.variable} of ${u.user}`))].join(', ');

/** Blocker if anything that needs it is blocking, otherwise (disabled jobs only) a warning. */
function missing(uses: readonly SecretUse[], what: string, fix: string): Finding {
  return uses.some((u) => u.blocking)
    ? blocker(what, fix)
    : warning(`${what} (only disabled jobs use it)`, fix);
}

async function checkParameter(secret: SecretToCheck, account: string, ssm: SSMClient): Promise<Finding[]> {
  const what = `SSM parameter ${secret.id}`;
  try {
    // Existence and type only: no need to decrypt a SecureString to know it is there.
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: secret.id, WithDecryption: false }));
    if (Parameter?.Type !== 'SecureString') {
      return [
        warning(
          `${what} is a ${Parameter?.Type ?? 'parameter of unknown type'}, not a SecureString (used by ${usedBy(secret.uses)})`,
          'store secrets as SecureString so they are encrypted at rest and hidden from ssm:DescribeParameters readers',
        ),
      ];
    }
    return [ok(`${what} exists (used by ${usedBy(secret.uses)})`)];
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound') {
      return [
        missing(
          secret.uses,
          `${what} does not exist in account ${account} (needed by ${usedBy(secret.uses)})`,
          `aws ssm put-parameter --type SecureString --name ${secret.id} --value <value>`,
        ),
      ];
    }
    return [couldNotCheck(what, error, 'ssm:GetParameter')];
  }
}

async function checkSecretsManager(
  secret: SecretToCheck,
  account: string,
  client: SecretsManagerClient,
): Promise<Finding[]> {
  const what = `secret ${secret.id}`;
  const fields = [...new Set(secret.uses.flatMap((u) => (u.field ? [u.field] : [])))];
  const notFound = () =>
    missing(
      secret.uses,
      `${what} does not exist in account ${account} (needed by ${usedBy(secret.uses)})`,
      fields.length > 0
        ? `aws secretsmanager create-secret --name ${secret.id} --secret-string '{${fields.map((f) => `"${f}":"..."`).join(',')}}'`
        : `aws secretsmanager create-secret --name ${secret.id} --secret-string <value>`,
    );
  if (fields.length === 0) {
    try {
      // Whole-value secrets: DescribeSecret proves existence without reading the value.
      await client.send(new DescribeSecretCommand({ SecretId: secret.id }));
      return [ok(`${what} exists (used by ${usedBy(secret.uses)})`)];
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return [notFound()];
      return [couldNotCheck(what, error, 'secretsmanager:DescribeSecret')];
    }
  }

  let keys: string[] | undefined;
  try {
    const value = await client.send(new GetSecretValueCommand({ SecretId: secret.id }));
    keys = jsonKeys(value.SecretString);
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return [notFound()];
    return [couldNotCheck(`the keys of ${what}`, error, 'secretsmanager:GetSecretValue (and kms:Decrypt)')];
  }
  if (!keys) {
    return [
      missing(
        secret.uses,
        `${what} is not a JSON object, so ECS cannot pick key ${fields.join(', ')} from it (needed by ${usedBy(secret.uses)})`,
        `store it as JSON with ${fields.map((f) => `"${f}"`).join(', ')}, or drop "field" from the reference`,
      ),
    ];
  }
  const findings: Finding[] = [];
  for (const field of fields) {
    const uses = secret.uses.filter((u) => u.field === field);
    findings.push(
      keys.includes(field)
        ? ok(`${what} has key ${field} (used by ${usedBy(uses)})`)
        : missing(
            uses,
            `${what} has no key "${field}" (needed by ${usedBy(uses)}); its keys are ${keys.length > 0 ? keys.join(', ') : 'none'}`,
            `add "${field}" to the secret's JSON, or correct "field" in config`,
          ),
    );
  }
  return findings;
}

/** The top-level keys of a JSON object, or undefined for anything else. Never throws, never echoes. */
function jsonKeys(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined; // the parser's message quotes the value: drop it
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? Object.keys(parsed)
    : undefined;
}
