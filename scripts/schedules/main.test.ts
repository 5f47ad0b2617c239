import { describe, expect, it } from 'vitest';
import { untouchableConfig } from '../../test/support/untouchable-config';
import { captureOutput } from '../job/test-support';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import { BaseError, schedulesAt } from './base';
import { FIXTURE_BASE } from './test-support';
import { HELP, schedulesMain, USAGE, type SchedulesDeps } from './main';

const FROM = '2026-11-22T00:00:00Z';

function deps(overrides: Partial<SchedulesDeps> = {}) {
  const written = new Map<string, string>();
  const out = captureOutput();
  return {
    now: () => new Date(FROM),
    config: FIXTURE_CONFIG,
    base: (ref: string, env: string) => schedulesAt(ref, env, FIXTURE_BASE),
    writeFile: (file: string, text: string) => written.set(file, text),
    ...overrides,
    out,
    written,
  };
}

describe('npm run schedules (command line)', () => {
  it('prints the table, the peak line and the warnings for the environment', () => {
    const d = deps();
    expect(schedulesMain(['--from', FROM], d)).toBe(0);
    const text = d.out.stdout.join('\n');
    expect(d.out.stdout[0]).toBe('Schedules of sandbox from 2026-11-22T00:00:00.000Z: 11 jobs');
    expect(text).toMatch(/^nightly-sales-report +0 3 \* \* \? \* +Asia\/Tokyo +2026-11-23 03:00 JST/m);
    expect(text).toMatch(/^peak use in the next 24 h: [\d.]+ vCPU \/ [\d.]+ GiB at .* \(quota 6 vCPU\)$/m);
    expect(text).toContain('! 2026-11-23 03:00 JST: 4 jobs start together');
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
    expect(same.out.stdout.slice(-2)).toEqual(['Changes against HEAD:', '  no schedule changes']);

    const bad = deps({
      base: (ref) => {
        throw new BaseError(`--base ${ref}: no such revision here`);
      },
    });
    expect(schedulesMain(['--base', 'nope'], bad)).toBe(2);
    expect(bad.out.stderr).toEqual(['error: --base nope: no such revision here']);
    expect(bad.out.stdout).toEqual([]);
  });

  it('writes the timeline with --html', () => {
    const d = deps();
    expect(schedulesMain(['--html', 'out.html'], d)).toBe(0);
    expect(d.written.get('out.html')).toMatch(/^<!doctype html>/);
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
    for (const argv of [['--nope'], ['--from', 'tomorrow'], ['--env', 'prod']]) {
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
