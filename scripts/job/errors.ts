import type { EnvironmentConfig } from '../../lib/config';

/** The command line is wrong (exit 2): unknown subcommand, option, environment or job. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';

  /** @param showUsage print the usage text too: helps with syntax, not with a misspelt job name. */
  constructor(
    message: string,
    public readonly showUsage = true,
  ) {
    super(message);
  }
}

/** A refusal or a failure explained in one line (exit 1), e.g. running a disabled job. */
export class CliError extends Error {
  override name = 'CliError';
}

interface AwsErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
}

/**
 * The SDK's ways of saying "no usable credentials": none found (CredentialsProviderError, with
 * "Could not load credentials from any providers"), an expired SSO token, or keys AWS rejects.
 */
export function isCredentialsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { name, message } = error as AwsErrorShape;
  return (
    [
      'CredentialsProviderError',
      'TokenProviderError',
      'ExpiredTokenException',
      'UnrecognizedClientException',
    ].includes(String(name)) ||
    /could not load credentials|sso session .*(expired|invalid)|token (is|has) expired/i.test(String(message))
  );
}

/**
 * The one line an operator reads when no credentials are usable: which account and region the
 * command needs, and how to run it again with a profile.
 * @param program how the command is started; the doctor passes its own.
 */
export function credentialsMessage(
  env: EnvironmentConfig,
  command: string,
  program = 'npm run job --',
): string {
  return (
    `error: no usable AWS credentials: "${command}" needs an AWS profile or SSO session for the ${env.name} account ` +
    `${env.account}, region ${env.region} (e.g. aws sso login --profile <profile>, then AWS_PROFILE=<profile> ${program} ${command})`
  );
}

/** One line for any other AWS error, with the likely cause where a name says it. */
export function describeAwsError(error: unknown, env: EnvironmentConfig): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  const hint: Record<string, string> = {
    AccessDeniedException: `are your credentials for the ${env.name} account ${env.account}, with permission for this?`,
    StateMachineDoesNotExist: `is ${env.name} deployed, and are your credentials for account ${env.account} (${env.region})?`,
    ResourceNotFoundException: `is ${env.name} deployed, and are your credentials for account ${env.account} (${env.region})?`,
  };
  const extra = hint[error.name];
  return `error: ${error.name}: ${error.message}${extra ? ` (${extra})` : ''}`;
}
