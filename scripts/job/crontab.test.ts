import { describe, expect, it } from 'vitest';
import { parseSchedules } from '../../lib/config/schedule-schema';
import { importCrontab, renderImport } from './crontab';
import { main } from './main';
import { cliDeps } from './test-support';

/** A crontab as they were found on the old batch servers. */
const CRONTAB = `SHELL=/bin/bash
MAILTO=ops@example.com
# Nightly sales report
30 2 * * * /opt/batch/bin/sales_report.sh --yesterday
*/15 * * * * /opt/batch/bin/sync-inventory.py
0 9 * * 1-5 /opt/batch/bin/standup-digest
0 6 1 * * /opt/batch/bin/invoice-run
0 0 * * 0 /opt/batch/bin/weekly_cleanup.sh
@hourly /opt/batch/bin/heartbeat
CRON_TZ=America/New_York
0 8 * * MON,WED /opt/batch/bin/us-report
0 12 * * 5-7 /opt/batch/bin/weekend-prep

# not translatable
@reboot /opt/batch/bin/start-agent
0 3 1 * 1 /opt/batch/bin/month-or-monday
0 4 * * * echo "done" | mail -s report %ops
0 5 * * */2 /opt/batch/bin/every-other-day
API_KEY=abc123
61 1 * * * /opt/batch/bin/bad-minute
`;

describe('import-crontab', () => {
  const result = importCrontab(CRONTAB, { timezone: 'Asia/Tokyo', owner: 'sre' });
  const byName = (name: string) => result.jobs.find((j) => j.entry.name === name);

  it('turns five-field cron into AWS cron, keeping the meaning (AWS counts 1 = SUN)', () => {
    expect(result.jobs.map((j) => [j.line, j.entry.name, j.entry.cron, j.entry.timezone])).toEqual([
      [4, 'sales-report', '30 2 * * ? *', 'Asia/Tokyo'],
      [5, 'sync-inventory', '*/15 * * * ? *', 'Asia/Tokyo'],
      [6, 'standup-digest', '0 9 ? * 2-6 *', 'Asia/Tokyo'], // Monday-Friday
      [7, 'invoice-run', '0 6 1 * ? *', 'Asia/Tokyo'],
      [8, 'weekly-cleanup', '0 0 ? * 1 *', 'Asia/Tokyo'], // Sunday
      [9, 'heartbeat', '0 * * * ? *', 'Asia/Tokyo'],
      [11, 'us-report', '0 8 ? * MON,WED *', 'America/New_York'], // after CRON_TZ
      [12, 'weekend-prep', '0 12 ? * 6-7,1 *', 'America/New_York'], // Fri-Sun wraps
    ]);
  });

  it('writes complete entries that pass the config validation, with the comment above as description', () => {
    expect(byName('sales-report')!.entry).toEqual({
      name: 'sales-report',
      description: 'Nightly sales report',
      owner: 'sre',
      cron: '30 2 * * ? *',
      timezone: 'Asia/Tokyo',
      command: ['sh', '-c', '/opt/batch/bin/sales_report.sh --yesterday'],
      timeout: '1h',
    });
    expect(byName('sync-inventory')!.entry.description).toBe(
      'Imported from crontab line 5: /opt/batch/bin/sync-inventory.py',
    );
    const parsed = parseSchedules(
      result.jobs.map((j) => j.entry),
      {
        environment: 'sandbox',
        knownEnvironments: ['sandbox'],
        defaultTimezone: 'UTC',
        defaultNotify: '#sre-batch',
      },
    );
    expect(parsed).toHaveLength(8);
  });

  it('notes what a reviewer must check, e.g. a day of week renumbered', () => {
    expect(byName('standup-digest')!.notes).toContain(
      'day of week "1-5" is "2-6" in AWS cron, which counts 1 = SUN',
    );
    expect(byName('us-report')!.notes.some((n) => n.includes('day of week'))).toBe(false); // names need no change
    expect(byName('sales-report')!.notes).toEqual([
      'runs "/opt/batch/bin/sales_report.sh --yesterday" through sh in the batch-job image: make it a task of containers/batch-job, or give the job an image of its own',
      'timeout 1h is a guess: crontab had none',
    ]);
  });

  it('lists, rather than guesses, what AWS cron cannot say', () => {
    expect(result.untranslated.map((u) => [u.line, u.why])).toEqual([
      [15, '@reboot runs at boot, not on a schedule: make it a resident worker or drop it'],
      [
        16,
        'both day of month (1) and day of week (1) are restricted: cron runs on either, AWS cron allows only one; split it into two jobs',
      ],
      [17, "a % in the command is cron's stdin/newline: rewrite the command without it"],
      [18, 'a step in day of week ("*/2") has no safe AWS equivalent: list the days'],
      [
        19,
        'API_KEY applies to every line below it; put it in the environment (or secrets) of the jobs that need it',
      ],
      [20, expect.stringContaining('is not valid AWS cron') as unknown],
    ]);
  });

  it('keeps names unique and valid', () => {
    const twice = importCrontab(
      '0 1 * * * /bin/report.sh\n0 2 * * * /bin/report.sh --full\n0 3 * * * 7zip-backup',
      {
        timezone: 'UTC',
        owner: 'sre',
      },
    );
    expect(twice.jobs.map((j) => j.entry.name)).toEqual(['report', 'report-2', 'job-7zip-backup']);
  });

  it('renders TypeScript to paste, with NOTEs and the lines left to decide', () => {
    const text = renderImport(result, 'crontab.old');
    expect(text.split('\n')[0]).toBe(
      '// Imported from crontab.old by npm run job -- import-crontab. Review every NOTE before merging.',
    );
    expect(text).toContain('  // NOTE: timeout 1h is a guess: crontab had none');
    expect(text).toContain('    "cron": "0 9 ? * 2-6 *",');
    expect(text).toContain('//   line 15: @reboot /opt/batch/bin/start-agent');
  });

  it('rejects an unknown zone in the crontab, keeping the previous one', () => {
    const r = importCrontab('CRON_TZ=Mars/Olympus\n0 1 * * * /bin/cleanup', {
      timezone: 'UTC',
      owner: 'sre',
    });
    expect(r.untranslated[0]!.why).toBe(
      '"Mars/Olympus" is not an IANA time zone; the lines after it keep UTC',
    );
    expect(r.jobs[0]!.entry.timezone).toBe('UTC');
  });
});

describe('npm run job -- import-crontab (command line)', () => {
  it('prints the entries to stdout and the count to stderr, offline', async () => {
    const deps = cliDeps({
      readFile: (path) => {
        expect(path).toBe('old.crontab');
        return '0 1 * * * /opt/batch/bin/cleanup.sh\n@reboot /opt/agent';
      },
      clients: () => {
        throw new Error('import-crontab must not need AWS');
      },
    });
    expect(await main(['import-crontab', 'old.crontab', '--owner', 'sre', '--timezone', 'UTC'], deps)).toBe(
      0,
    );
    expect(deps.out.stdout.join('\n')).toContain('"name": "cleanup"');
    expect(deps.out.stderr).toEqual([
      '1 job(s) imported, 1 line(s) to decide by hand; paste the entries into config/schedules.ts and review each NOTE',
    ]);
  });

  it.each([
    [
      ['import-crontab', 'f'],
      'error: --owner is required: the team that will own the imported jobs, e.g. --owner sre',
    ],
    [
      ['import-crontab', 'f', '--owner', 'sre', '--timezone', 'Tokyo'],
      'error: --timezone "Tokyo" is not an IANA time zone such as Asia/Tokyo or UTC',
    ],
    [
      ['import-crontab', 'f', '--owner', 'sre', '--timeout', '1d'],
      'error: --timeout "1d" is not a duration such as 30m or 2h',
    ],
  ])('rejects %j (exit 2)', async (argv, message) => {
    const deps = cliDeps({ readFile: () => '' });
    expect(await main(argv, deps)).toBe(2);
    expect(deps.out.stderr[0]).toBe(message);
  });

  it('says which file it cannot read (exit 1)', async () => {
    const deps = cliDeps({
      readFile: () => {
        throw new Error('ENOENT: no such file or directory');
      },
    });
    expect(await main(['import-crontab', 'missing', '--owner', 'sre'], deps)).toBe(1);
    expect(deps.out.stderr).toEqual(['error: cannot read missing: ENOENT: no such file or directory']);
  });
});
