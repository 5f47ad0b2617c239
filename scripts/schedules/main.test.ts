import { describe, expect, it } from 'vitest';
import { untouchableConfig } from '../../test/support/untouchable-config';
import { captureOutput } from '../job/test-support';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import { BaseError, configAt } from './base';
import { FIXTURE_BASE } from './test-support';
import { HELP, schedulesMain, USAGE, type SchedulesDeps } from './main';

const FROM = '2026-11-22T00:00:00Z';

function deps(overrides: Partial<SchedulesDeps> = {}) {
  const written = new Map<string, string>();
  const out = captureOutput();
  return {
    now: () => new Date(FROM),
    config: FIXTURE_CONFIG,
    base: (ref: string, env: string) => configAt(ref, env, FIXTURE_BASE),
    writeFile: (file: string, text: string) => written.set(file, text),
    ...overrides,
    out,
    written,
  };
}

describe('npm run schedules (command line)', () => {
  it('prints the table, the peak line, the warnings and the monthly cost for the environment', () => {
    const d = deps();
    expect(schedulesMain(['--from', FROM], d)).toBe(0);
    const text = d.out.stdout.join('\n');
    expect(d.out.stdout[0]).toBe(
      'Schedules of sandbox from Sun 22 Nov 09:00 JST (2026-11-22T00:00:00.000Z): 11 jobs, 1 paused, 0 disabled',
    );
    expect(text).toMatch(/^nightly-sales-report +0 3 \* \* \? \* +Asia\/Tokyo +Mon 23 Nov 03:00 JST/m);
    expect(text).toMatch(/^legacy-ftp-import .* paused until 2027-01-31: Partner moved/m);
    expect(text).toMatch(
      /^peak use in the week from Mon 23 Nov 00:00 JST: [\d.]+ vCPU \/ [\d.]+ GiB at Mon 23 Nov \d\d:\d\d JST \(quota 6 vCPU\)$/m,
    );
    // Every-5 and every-15-minute jobs are left out, so 02:00 and 03:00 are no longer crowded.
    expect(text).toContain('\nno warnings');
    expect(text).toContain('Monthly cost in ap-northeast-1 (USD):');
    expect(text).toMatch(
      /^nightly-sales-report +30\.4 +1200s +10\.1 +20\.3 +\$0\.62 spot<= +\$0\.007 +<\$0\.0001 +\$0\.63$/m,
    );
    expect(text).toMatch(/^total +\$\d+\.\d\d$/m);
    expect(d.out.stderr).toEqual([]);
  });

  it('warns of a pause whose date has passed, with the schedule warnings', () => {
    const d = deps();
    // legacy-ftp-import is disabled until 2027-01-31.
    expect(schedulesMain(['--from', '2027-02-01T00:00:00Z'], d)).toBe(0);
    expect(d.out.stdout).toContain(
      '  ! config/schedules.ts: legacy-ftp-import.disabledUntil: paused until 2027-01-31, which has passed: review the job; remove enabled: false, disabledReason and disabledUntil to run it again, or set a later disabledUntil with the reason',
    );
    const before = deps();
    schedulesMain(['--from', FROM], before);
    expect(before.out.stdout.join('\n')).not.toContain('which has passed');
  });

  it('with --base prints the changes, and a bad base is one line on stderr with exit 2 and no report', () => {
    const same = deps();
    expect(schedulesMain(['--from', FROM, '--base', 'HEAD'], same)).toBe(0);
    expect(same.out.stdout.slice(-5)).toEqual([
      'Changes against HEAD:',
      '  no schedule changes',
      '',
      'Access changes against HEAD:',
      '  no access changes',
    ]);

    const bad = deps({
      base: (ref) => {
        throw new BaseError(`--base ${ref}: no such revision here`);
      },
    });
    expect(schedulesMain(['--base', 'nope'], bad)).toBe(2);
    expect(bad.out.stderr).toEqual(['error: --base nope: no such revision here']);
    expect(bad.out.stdout).toEqual([]);
  });

  it('writes the timeline with --html, a day or with --days 7 a week', () => {
    const d = deps();
    expect(schedulesMain(['--html', 'out.html'], d)).toBe(0);
    expect(d.written.get('out.html')).toMatch(/^<!doctype html>/);
    expect(d.out.stdout.at(-1)).toBe('\n24-hour timeline written to out.html');
    const week = deps();
    expect(schedulesMain(['--html', 'week.html', '--days', '7'], week)).toBe(0);
    expect(week.written.get('week.html')).toContain('the week of scheduled jobs');
  });

  it.each([['--help'], ['-h']])(
    '%s explains the options on stdout, exit 0, without loading config',
    (flag) => {
      const d = deps({ config: untouchableConfig() });
      expect(schedulesMain([flag], d)).toBe(0);
      expect(d.out.stdout).toEqual([HELP]);
      expect(HELP).toContain('--base <git ref>');
    },
  );

  it('answers bad arguments with exit 2', () => {
    for (const argv of [['--nope'], ['--from', 'tomorrow'], ['--env', 'prod'], ['--days', '3']]) {
      const d = deps();
      expect(schedulesMain(argv, d)).toBe(2);
      expect(d.out.stderr).toHaveLength(1);
      expect(d.out.stdout).toEqual([]);
    }
    const d = deps();
    schedulesMain(['--nope'], d);
    expect(d.out.stderr[0]).toContain(USAGE);
  });
});
