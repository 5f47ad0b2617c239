import { describe, expect, it } from 'vitest';
import { main } from './main';
import { cliDeps } from './test-support';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';

/** 2026-11-22T00:00Z is Sunday 22 November, 09:00 in Tokyo. */
const FROM = '2026-11-22T00:00:00Z';

async function list(...args: string[]) {
  const deps = cliDeps({ clients: () => expect.fail('list must not create AWS clients') });
  const code = await main(['list', '--from', FROM, ...args], deps);
  return { code, lines: deps.out.stdout, stderr: deps.out.stderr };
}

/** The line after a job's line holds its next runs. */
function nextOf(lines: string[], job: string): string | undefined {
  const i = lines.findIndex((l) => l.startsWith(`${job} `));
  return i >= 0 ? lines[i + 1]?.trim() : undefined;
}

describe('npm run job -- list (offline)', () => {
  it('heads the list with the environment, its account and "now" in its time zone', async () => {
    const { code, lines, stderr } = await list();
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    expect(lines[0]).toBe(
      'sandbox (account 111111111111, ap-northeast-1): 11 jobs, next runs after 2026-11-22 09:00 JST',
    );
  });

  it('shows the next three runs of each job in its own time zone, computed by hand', async () => {
    const { lines } = await list();
    // 09:00 JST on the 22nd has passed 03:00, so the next 03:00 JST is the 23rd.
    expect(nextOf(lines, 'nightly-sales-report')).toBe(
      'next 2026-11-23 03:00 JST, 2026-11-24 03:00 JST, 2026-11-25 03:00 JST',
    );
    // 00:30 on the 1st: 1 December, then across the year end to 1 January and 1 February.
    expect(nextOf(lines, 'monthly-invoice-run')).toBe(
      'next 2026-12-01 00:30 JST, 2027-01-01 00:30 JST, 2027-02-01 00:30 JST',
    );
    // The 22nd is a Sunday: the next weekday 09:00 is Monday the 23rd, then Tuesday, Wednesday.
    expect(nextOf(lines, 'weekday-standup-digest')).toBe(
      'next 2026-11-23 09:00 JST, 2026-11-24 09:00 JST, 2026-11-25 09:00 JST',
    );
    // Every 5 minutes, strictly after 09:00: the tick at "now" itself is not a next run.
    expect(nextOf(lines, 'partner-inventory-sync')).toBe(
      'next 2026-11-22 09:05 JST, 2026-11-22 09:10 JST, 2026-11-22 09:15 JST',
    );
    // Sundays 05:00: today's has passed (it is 09:00), so next Sunday the 29th, then 6 and 13 December.
    expect(nextOf(lines, 'weekly-backup-verify')).toBe(
      'next 2026-11-29 05:00 JST, 2026-12-06 05:00 JST, 2026-12-13 05:00 JST',
    );
    // 10:00 daily: still ahead today.
    expect(nextOf(lines, 'certificate-expiry-check')).toBe(
      'next 2026-11-22 10:00 JST, 2026-11-23 10:00 JST, 2026-11-24 10:00 JST',
    );
  });

  it('shows cron, time zone and state, and why a disabled job is disabled', async () => {
    const { lines } = await list();
    expect(lines).toContain('weekday-standup-digest    0 9 ? * MON-FRI *  Asia/Tokyo  enabled');
    expect(lines).toContain(
      'legacy-ftp-import         15 4 * * ? *       Asia/Tokyo  disabled until 2027-01-31: Partner moved to the inventory API (partner-inventory-sync); kept until they confirm the FTP drop is gone',
    );
    expect(nextOf(lines, 'legacy-ftp-import')).toBe('no runs while disabled');
  });

  it('warns of a pause whose date has passed, after the jobs, as cdk synth does', async () => {
    const deps = cliDeps({ clients: () => expect.fail('list must not create AWS clients') });
    // legacy-ftp-import is disabled until 2027-01-31.
    expect(await main(['list', '--from', '2027-02-01T00:00:00Z'], deps)).toBe(0);
    expect(deps.out.stdout.slice(-2)).toEqual([
      '',
      'warning: config/schedules.ts: legacy-ftp-import.disabledUntil: paused until 2027-01-31, which has passed: review the job; remove enabled: false, disabledReason and disabledUntil to run it again, or set a later disabledUntil with the reason',
    ]);
    expect((await list()).lines.some((l) => l.startsWith('warning:'))).toBe(false);
  });

  it('applies the environment picked with --env, overrides included', async () => {
    const { code, lines } = await list('--env', 'staging');
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^staging \(account 222222222222, ap-northeast-1\)/);
    expect(lines.find((l) => l.startsWith('weekly-backup-verify '))).toMatch(
      /disabled until 2027-06-30: staging has no backups to verify$/,
    );
  });

  it('follows daylight saving in a job time zone that has it', async () => {
    const job = {
      name: 'ny-open',
      description: 'x',
      owner: 'sre',
      cron: '0 9 * * ? *',
      timezone: 'America/New_York',
      command: ['node', 'main.js', 'reindex'],
      timeout: '5m',
    };
    const deps = cliDeps({ config: { ...FIXTURE_CONFIG, schedules: [job] } });
    // 2026-10-31T00:00Z is 20:00 EDT on the 30th; US clocks go back at 02:00 on Sunday 1 November.
    await main(['list', '--from', '2026-10-31T00:00:00Z'], deps);
    expect(nextOf(deps.out.stdout, 'ny-open')).toBe(
      'next 2026-10-31 09:00 EDT, 2026-11-01 09:00 EST, 2026-11-02 09:00 EST',
    );
  });

  it('rejects an unknown environment or a malformed --from with usage (exit 2)', async () => {
    const bad = await list('--env', 'prod');
    expect(bad.code).toBe(2);
    expect(bad.stderr[0]).toBe(
      'error: --env prod: no such environment; choose one of sandbox, staging, production',
    );

    const deps = cliDeps();
    expect(await main(['list', '--from', 'yesterday'], deps)).toBe(2);
    expect(deps.out.stderr[0]).toBe(
      'error: --from "yesterday" is not an ISO date-time such as 2026-11-22T00:00:00Z',
    );
  });
});
