import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runWithoutAws } from '../support/no-aws';
import { describe, expect, it } from 'vitest';
import { untouchableConfig } from '../../test/support/untouchable-config';
import { main, usage } from './main';
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
    logs: new CloudWatchLogsClient({ region: 'ap-northeast-1', credentials, maxAttempts: 1 }),
    sts: new STSClient({ region: 'ap-northeast-1', credentials, maxAttempts: 1 }),
    ecs: new ECSClient({ region: 'ap-northeast-1', credentials, maxAttempts: 1 }),
  };
}

describe('npm run job (command line)', () => {
  it('answers an unknown command with the nearest one and exit 2', async () => {
    const deps = cliDeps();
    expect(await main(['lsit'], deps)).toBe(2);
    expect(deps.out.stderr).toEqual([
      "error: unknown command 'lsit'\n(Did you mean list?)",
      '(add --help to see the options)',
    ]);
    expect(deps.out.stdout).toEqual([]);
  });

  it('prints usage to stderr with exit 2 when no command is given, and to stdout for --help', async () => {
    const none = cliDeps();
    expect(await main([], none)).toBe(2);
    expect(none.out.stderr).toEqual([usage(none)]);
    const help = cliDeps();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out.stdout).toEqual([usage(help)]);
    for (const command of [
      'list',
      'ls',
      'run',
      'status',
      'logs',
      'pause',
      'resume',
      'stop',
      'backfill',
      'import-crontab',
    ]) {
      expect(usage(help), command).toContain(`\n  ${command} `);
    }
  });

  it.each(['list', 'ls', 'run', 'status', 'logs', 'pause', 'resume', 'stop', 'backfill', 'import-crontab'])(
    '%s --help explains the command on stdout and exits 0, without loading config or AWS',
    async (command) => {
      const deps = cliDeps({
        config: untouchableConfig(),
        clients: () => {
          throw new Error('help must not need AWS');
        },
      });
      expect(await main([command, '--help'], deps)).toBe(0);
      expect(deps.out.stdout[0]).toMatch(new RegExp(`^Usage: npm run job -- ${command} \\[options\\]`));
      expect(deps.out.stdout[0]).toContain('--env <name>');
      expect(deps.out.stderr).toEqual([]);
    },
  );

  it.each([
    [['run'], "error: missing required argument 'job'"],
    [['status'], "error: missing required argument 'job'"], // names status's own argument, not run's
    [['run', 'a', 'b'], "error: too many arguments for 'run'. Expected 1 argument but got 2."],
    [['status', 'session-cleanup', '--wait'], "error: unknown option '--wait'"],
    [['list', 'extra'], "error: too many arguments for 'list'. Expected 0 arguments but got 1."],
    [
      ['pause', 'x', '--for', '2h'],
      'error: --reason is required: say why, e.g. --reason "vendor API down (INC-123)"',
    ],
    [['pause', 'x', '--reason', '  ', '--for', '2h'], 'error: --reason is required'],
    [
      ['pause', 'x', '--reason', 'r'.repeat(301), '--for', '2h'],
      'error: --reason is 301 characters; keep it under 300',
    ],
    [
      ['pause', 'x', '--reason', 'down'],
      'error: --for is required: how long, e.g. --for 4h, so a forgotten pause runs out',
    ],
    [['pause', 'x', '--reason', 'down', '--for', '2d'], 'error: --for "2d" is not a duration'],
    [
      ['pause', 'x', '--reason', 'down', '--for', '169h'],
      'error: --for 169h is longer than 7 days; to switch a job off, set enabled: false in config',
    ],
  ])('rejects %j with usage (exit 2)', async (argv, message) => {
    const deps = cliDeps();
    expect(await main(argv, deps)).toBe(2);
    expect(deps.out.stderr[0]).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it.each([
    [['run', 'nightly-sales-report']],
    [['status', 'nightly-sales-report', '--limit', '5']],
    [['logs', 'nightly-sales-report', '--follow']],
    [['pause', 'nightly-sales-report', '--reason', 'vendor down', '--for', '2h']],
    [['resume', 'nightly-sales-report']],
    [['stop', 'nightly-sales-report', '--reason', 'wrong input file']],
  ])('without credentials, %j fails with one clear line and exit 1', async (argv) => {
    const deps = cliDeps({ clients: clientsWithoutCredentials });
    expect(await main(argv, deps)).toBe(1);
    const command = argv.join(' ');
    expect(deps.out.stderr).toEqual([CREDENTIALS_LINE.replaceAll('%s', command)]);
    expect(deps.out.stdout).toEqual([]);
  });

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
