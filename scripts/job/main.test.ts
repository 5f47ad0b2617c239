import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runWithoutAws } from '../support/no-aws';
import { describe, expect, it } from 'vitest';
import { main, USAGE } from './main';
import { cliDeps } from './test-support';

const CREDENTIALS_LINE =
  'error: no usable AWS credentials: "%s" needs an AWS profile or SSO session for the sandbox account 111111111111, region ap-northeast-1 (e.g. aws sso login --profile <profile>, then AWS_PROFILE=<profile> npm run job -- %s)';

/** Real SDK clients whose credential provider fails the way the default chain does with nothing configured. */
function clientsWithoutCredentials() {
  const credentials = () =>
    Promise.reject(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
  return {
    sfn: new SFNClient({ region: 'ap-northeast-1', credentials, maxAttempts: 1 }),
    ddb: DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'ap-northeast-1', credentials, maxAttempts: 1 }),
    ),
  };
}

describe('npm run job (command line)', () => {
  it('answers an unknown command with usage and exit 2', async () => {
    const deps = cliDeps();
    expect(await main(['lsit'], deps)).toBe(2);
    expect(deps.out.stderr).toEqual(['error: unknown command "lsit"', `\n${USAGE}`]);
    expect(deps.out.stdout).toEqual([]);
  });

  it('prints usage to stderr with exit 2 when no command is given, and to stdout for --help', async () => {
    const none = cliDeps();
    expect(await main([], none)).toBe(2);
    expect(none.out.stderr).toEqual([USAGE]);
    const help = cliDeps();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out.stdout).toEqual([USAGE]);
  });

  it.each([
    [['run'], 'error: name the job, e.g. npm run job -- run nightly-sales-report'],
    [['run', 'a', 'b'], 'error: one job at a time; got a, b'],
    [['status', 'session-cleanup', '--wait'], "error: Unknown option '--wait'"],
    [['list', 'extra'], 'error: unexpected argument "extra"'],
  ])('rejects %j with usage (exit 2)', async (argv, message) => {
    const deps = cliDeps();
    expect(await main(argv, deps)).toBe(2);
    expect(deps.out.stderr[0]).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it.each([[['run', 'nightly-sales-report']], [['status', 'nightly-sales-report', '--limit', '5']]])(
    'without credentials, %j fails with one clear line and exit 1',
    async (argv) => {
      const deps = cliDeps({ clients: clientsWithoutCredentials });
      expect(await main(argv, deps)).toBe(1);
      const command = argv.join(' ');
      expect(deps.out.stderr).toEqual([CREDENTIALS_LINE.replaceAll('%s', command)]);
      expect(deps.out.stdout).toEqual([]);
    },
  );

  it('explains an AWS error in one line with the likely cause', async () => {
    const deps = cliDeps({
      clients: () => {
        const clients = clientsWithoutCredentials();
        clients.sfn.send = () =>
          Promise.reject(
            Object.assign(new Error('State Machine Does Not Exist'), { name: 'StateMachineDoesNotExist' }),
          );
        return clients;
      },
    });
    expect(await main(['run', 'nightly-sales-report'], deps)).toBe(1);
    expect(deps.out.stderr).toEqual([
      'error: StateMachineDoesNotExist: State Machine Does Not Exist (is sandbox deployed, and are your credentials for account 111111111111 (ap-northeast-1)?)',
    ]);
  });

  // scripts/job.ts's wiring (jobCli) over the fixture config, so a config PR cannot fail it.
  it('end to end: the job process with no AWS configuration at all prints only the credentials line', () => {
    const result = runWithoutAws('test/fixtures/cli/job.ts', ['status', 'nightly-sales-report'], 30_000);
    expect(result.stderr.trim()).toBe(CREDENTIALS_LINE.replaceAll('%s', 'status nightly-sales-report'));
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });
});
