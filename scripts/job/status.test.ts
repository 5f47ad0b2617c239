import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from './main';
import { cliDeps } from './test-support';

const ddb = mockAws(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const record = (startedAt: string, fields: Record<string, unknown>) => ({
  pk: 'RUN#nightly-sales-report',
  sk: `${startedAt}#exec`,
  job: 'nightly-sales-report',
  startedAt,
  ...fields,
});

describe('npm run job -- status', () => {
  it('queries the run records newest first and prints them in the job time zone', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        record('2026-11-22T18:00:02.000Z', {
          endedAt: '2026-11-22T18:21:40.000Z',
          status: 'Succeeded',
          trigger: 'schedule',
          capacity: 'spot',
          exitCode: 0,
          reason: 'exited with code 0',
          logStream: 'nightly-sales-report/job/abc',
        }),
        record('2026-11-21T18:00:01.000Z', {
          endedAt: '2026-11-21T19:00:30.000Z',
          status: 'TimedOut',
          trigger: 'manual',
          capacity: 'on-demand',
          reason: 'exceeded its timeout of 3600 s; its task was stopped',
        }),
        record('2026-11-20T14:59:00.000Z', {
          endedAt: '2026-11-20T15:01:00.000Z',
          status: 'Failed',
          trigger: 'schedule',
          capacity: 'spot',
          exitCode: 1,
          reason: 'failed after 2 retries: States.TaskFailed',
        }),
      ],
    });
    const deps = cliDeps();

    expect(await main(['status', 'nightly-sales-report', '--limit', '3'], deps)).toBe(0);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'RUN#nightly-sales-report' },
      ScanIndexForward: false,
      Limit: 3,
    });
    expect(deps.out.stdout).toEqual([
      'nightly-sales-report in sandbox: last 3 runs, newest first, times in Asia/Tokyo',
      '',
      'STARTED                  ENDED                    STATUS     TRIGGER   CAPACITY   EXIT  REASON',
      '2026-11-23 03:00:02 JST  03:21:40 JST             Succeeded  schedule  spot       0     exited with code 0',
      '2026-11-22 03:00:01 JST  04:00:30 JST             TimedOut   manual    on-demand  -     exceeded its timeout of 3600 s; its task was stopped',
      // 23:59 JST to 00:01 JST: the end is on another day, so it shows the date too.
      '2026-11-20 23:59:00 JST  2026-11-21 00:01:00 JST  Failed     schedule  spot       1     failed after 2 retries: States.TaskFailed',
      '',
      'logs of the latest run: https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fbatch-platform$252Fsandbox$252Fjobs/log-events/nightly-sales-report$252Fjob$252Fabc',
    ]);
  });

  it('defaults to the last 10 runs, and says so when there are none', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const deps = cliDeps();
    expect(await main(['status', 'session-cleanup', '--env', 'staging'], deps)).toBe(0);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'staging-batch-jobs',
      Limit: 10,
    });
    expect(deps.out.stdout).toEqual([
      'session-cleanup in staging: no runs recorded yet (records are kept 180 days)',
    ]);
  });

  it('counts records it cannot read instead of failing', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [record('2026-11-22T18:00:02.000Z', { status: 'Skipped', trigger: 'schedule' }), { pk: 'x' }],
    });
    const deps = cliDeps();
    expect(await main(['status', 'nightly-sales-report'], deps)).toBe(0);
    expect(deps.out.stdout).toContain('(1 records could not be read and are not shown)');
    expect(deps.out.stdout[3]).toBe('2026-11-23 03:00:02 JST  -      Skipped  schedule  -         -');
  });

  it('rejects a --limit outside 1-100 (exit 2)', async () => {
    const deps = cliDeps();
    expect(await main(['status', 'nightly-sales-report', '--limit', '0'], deps)).toBe(2);
    expect(deps.out.stderr[0]).toBe('error: --limit must be a whole number from 1 to 100');
  });
});
