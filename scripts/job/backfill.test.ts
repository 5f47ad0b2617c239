import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../lib/config';
import { mockAws } from '../../test/support/aws-mock';
import { scheduledJob } from '../../test/support/fixtures';
import { backfillExecutionName, backfillJob, MAX_BACKFILL_SLOTS, type BackfillDeps } from './backfill';
import { CliError } from './errors';
import { FIXED_UUID, captureOutput, testClients } from './test-support';

const sfn = mockAws(SFNClient);
const ddb = mockAws(DynamoDBDocumentClient);
const env = { name: 'sandbox', account: '111111111111', region: 'ap-northeast-1' } as EnvironmentConfig;
// 03:00 JST daily = 18:00 UTC the day before
const job = scheduledJob({ name: 'nightly-report', cron: '0 3 * * ? *', timezone: 'Asia/Tokyo', retries: 1 });
const NOW = new Date('2026-11-24T06:00:00Z');
const from = new Date('2026-11-20T00:00:00Z');
const to = new Date('2026-11-23T18:00:00Z'); // the 24th's 03:00 JST slot is not in [from, to)
const arn = (name: string) =>
  `arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:${name}`;

function deps(): BackfillDeps & { out: ReturnType<typeof captureOutput> } {
  return {
    ...testClients(),
    out: captureOutput(),
    now: () => NOW,
    sleep: () => Promise.resolve(),
    uuid: () => FIXED_UUID,
  };
}

beforeEach(() => {
  sfn.reset();
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  // Slot of 2026-11-21T18:00Z (the 22nd, 03:00 JST) ran; the one of the 20th was skipped under forbid.
  ddb
    .on(GetCommand, { Key: { pk: 'SLOT#nightly-report', sk: '2026-11-21T18:00:00Z' } })
    .resolves({ Item: { outcome: 'run', executionArn: arn('sched-22') } });
  ddb
    .on(GetCommand, { Key: { pk: 'SLOT#nightly-report', sk: '2026-11-20T18:00:00Z' } })
    .resolves({ Item: { outcome: 'skipped', executionArn: arn('sched-21') } });
  sfn.on(StartExecutionCommand).callsFake(({ name }: { name: string }) => ({ executionArn: arn(name) }));
  sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
});

describe('npm run job -- backfill', () => {
  it('--dry-run lists every slot of the window in the job zone, with what claimed it, and starts nothing', async () => {
    const d = deps();
    await expect(backfillJob({ env, job, from, to, dryRun: true }, d)).resolves.toBe(0);
    expect(d.out.stdout).toEqual([
      'nightly-report in sandbox: 3 slots from 2026-11-20 09:00 JST to 2026-11-24 03:00 JST, 1 not run',
      'SLOT                  UTC                   STATE',
      '2026-11-21 03:00 JST  2026-11-20T18:00:00Z  skipped (sched-21)',
      '2026-11-22 03:00 JST  2026-11-21T18:00:00Z  run (sched-22)',
      '2026-11-23 03:00 JST  2026-11-22T18:00:00Z  would run',
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('runs each unclaimed slot with its real key, oldest first, waiting for each', async () => {
    ddb.on(GetCommand, { Key: { pk: 'SLOT#nightly-report', sk: '2026-11-20T18:00:00Z' } }).resolves({});
    const d = deps();
    await expect(backfillJob({ env, job, from, to, dryRun: false }, d)).resolves.toBe(0);
    const starts = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(starts.map((s) => s.name)).toEqual([
      'backfill-nightly-report-20261120T180000Z-1b4e28ba',
      'backfill-nightly-report-20261122T180000Z-1b4e28ba',
    ]);
    expect(starts.map((s) => JSON.parse(s.input!) as unknown)).toEqual([
      expect.objectContaining({ trigger: 'schedule', slot: '2026-11-20T18:00:00Z' }),
      expect.objectContaining({ trigger: 'schedule', slot: '2026-11-22T18:00:00Z' }),
    ]);
    expect(d.out.stdout.slice(-4)).toEqual([
      '[1/2] 2026-11-20T18:00:00Z: started backfill-nightly-report-20261120T180000Z-1b4e28ba',
      '[1/2] 2026-11-20T18:00:00Z: SUCCEEDED',
      '[2/2] 2026-11-22T18:00:00Z: started backfill-nightly-report-20261122T180000Z-1b4e28ba',
      '[2/2] 2026-11-22T18:00:00Z: SUCCEEDED',
    ]);
  });

  it('stops at the first run that does not succeed, and says how many are left', async () => {
    ddb.on(GetCommand, { Key: { pk: 'SLOT#nightly-report', sk: '2026-11-20T18:00:00Z' } }).resolves({});
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    const d = deps();
    await expect(backfillJob({ env, job, from, to, dryRun: false }, d)).resolves.toBe(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(d.out.stderr).toEqual([
      'error: stopped the backfill at 2026-11-20T18:00:00Z (FAILED); 1 slot(s) left: npm run job -- status nightly-report --env sandbox says why',
    ]);
  });

  it('refuses a window backwards, in the future, too crowded, or for a disabled job', async () => {
    await expect(backfillJob({ env, job, from: to, to: from, dryRun: true }, deps())).rejects.toThrow(
      new CliError('--from must be before --to'),
    );
    await expect(
      backfillJob({ env, job, from, to: new Date('2026-11-25T00:00:00Z'), dryRun: true }, deps()),
    ).rejects.toThrow(new CliError('--to is in the future: backfill runs slots that have passed'));
    const everyMinute = { ...job, cron: '* * * * ? *' };
    await expect(backfillJob({ env, job: everyMinute, from, to, dryRun: true }, deps())).rejects.toThrow(
      new CliError(
        `the window holds more than ${MAX_BACKFILL_SLOTS} slots of nightly-report (* * * * ? *); narrow --from/--to`,
      ),
    );
    const disabled = { ...job, enabled: false, disabledReason: 'migrating' };
    await expect(backfillJob({ env, job: disabled, from, to, dryRun: false }, deps())).rejects.toThrow(
      new CliError('nightly-report is disabled in sandbox: migrating; nothing started'),
    );
  });

  it('a window with nothing missing starts nothing', async () => {
    const d = deps();
    const short = { from: new Date('2026-11-21T12:00:00Z'), to: new Date('2026-11-22T00:00:00Z') };
    await expect(backfillJob({ env, job, ...short, dryRun: false }, d)).resolves.toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('names executions within 80 characters however long the job name', () => {
    const name = backfillExecutionName('a'.repeat(64), '2026-11-20T18:00:00Z', FIXED_UUID);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^backfill-a+-20261120T180000Z-1b4e28ba$/);
  });
});
