import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { readTable, writeTable } from '../../lib/config/access-grants';
import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import { captureOutput } from '../job/test-support';
import { schedulesMain } from '../schedules/main';
import { COMMENT_MARKER, MAX_COMMENT_CHARS, accessChanges, formatReviewComment } from './comment';

const inputs = {
  sha: '0123456789abcdef',
  environment: 'staging',
  cdkDiff: 'Stack staging-Jobs0\n\u001b[33m[~]\u001b[39m AWS::Scheduler::Schedule nightly\n',
  cdkDiffExitCode: 1,
  schedules: 'changed: nightly-sales-report cron 0 3 * * ? * -> 0 4 * * ? *',
};

describe('formatReviewComment', () => {
  it('starts with the marker the workflow finds to update the comment instead of adding one', () => {
    expect(formatReviewComment(inputs).startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
  });

  it('shows the schedule report and the diff, without terminal colour codes', () => {
    const body = formatReviewComment(inputs);
    expect(body).toContain('### batch-platform review for `0123456`');
    expect(body).toContain('**Infrastructure changes in staging**');
    expect(body).toContain('cron 0 3 * * ? * -> 0 4 * * ? *');
    expect(body).toContain('[~] AWS::Scheduler::Schedule nightly');
    expect(body).not.toContain('\u001b[');
  });

  it('says so when cdk diff found no change', () => {
    expect(formatReviewComment({ ...inputs, cdkDiffExitCode: 0, cdkDiff: '' })).toContain(
      'No infrastructure changes in staging.',
    );
  });

  it('stays under GitHub’s comment limit, truncating the longest section visibly', () => {
    const body = formatReviewComment({ ...inputs, cdkDiff: 'x'.repeat(200_000) });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toContain('… truncated: see the workflow log');
    expect(body).toContain('cron 0 3 * * ? * -> 0 4 * * ? *'); // the short section is intact
  });
});

describe('the review comment of a pull request that changes access', () => {
  /**
   * The schedule report the workflow runs (`npm run schedules -- --base`), for a pull request
   * whose base is the fixture and whose head is `head` (the fixture's sources, changed).
   */
  function scheduleReport(head: typeof FIXTURE_CONFIG): string {
    const out = captureOutput();
    const code = schedulesMain(['--from', '2026-11-22T00:00:00Z', '--base', 'origin/main'], {
      out,
      now: () => new Date('2026-11-22T00:00:00Z'),
      writeFile: () => undefined,
      config: head,
      base: (_ref, environment) => {
        const base = loadConfig(environment, FIXTURE_CONFIG);
        return { schedules: [...base.schedules], workers: base.workers, access: base.access };
      },
    });
    expect(code, out.stderr.join('\n')).toBe(0);
    return out.stdout.join('\n');
  }

  it('shows a grant added to a profile, for the profile and for each job that gains it, above the rest', () => {
    const head = {
      ...FIXTURE_CONFIG,
      access: (FIXTURE_CONFIG.access as { name: string; grants: unknown[] }[]).map((p) =>
        p.name === 'catalogue-reader'
          ? { ...p, grants: [...p.grants, writeTable({ table: 'report-index' })] }
          : p,
      ),
    };
    const body = formatReviewComment({ ...inputs, schedules: scheduleReport(head) });
    expect(body).toContain('**Access changes: 12** — who may do what in AWS changes with this pull request');
    expect(body).toContain(
      '~ profile catalogue-reader adds dynamodb:DeleteItem on dynamodb table/report-index',
    );
    expect(body).toContain(
      '+ search-index-rebuild gains dynamodb:DeleteItem on dynamodb table/report-index (profile catalogue-reader)',
    );
    expect(body.indexOf('<summary>Access changes')).toBeLessThan(body.indexOf('<summary>Schedule report'));
  });

  it('shows a job that starts naming a profile', () => {
    const head = {
      ...FIXTURE_CONFIG,
      schedules: (FIXTURE_CONFIG.schedules as { name: string }[]).map((j) =>
        j.name === 'canary' ? { ...j, access: 'catalogue-reader' } : j,
      ),
    };
    expect(accessChanges(scheduleReport(head)).map((line) => line.trim())).toContain(
      '+ canary gains dynamodb:Scan on dynamodb table/catalogue-products (profile catalogue-reader)',
    );
  });

  it('has no access section when access does not change', () => {
    const body = formatReviewComment({ ...inputs, schedules: scheduleReport(FIXTURE_CONFIG) });
    expect(body).not.toContain('Access changes:');
    expect(body).not.toContain('<summary>Access changes');
    expect(accessChanges(scheduleReport(FIXTURE_CONFIG))).toEqual([]);
  });

  it('shows a grant widened in one environment only under that environment', () => {
    const head = {
      ...FIXTURE_CONFIG,
      access: (FIXTURE_CONFIG.access as { name: string; overrides?: object }[]).map((p) =>
        p.name === 'catalogue-reader'
          ? {
              ...p,
              overrides: {
                production: {
                  grants: [
                    readTable({ table: 'catalogue-products', indexes: true }),
                    writeTable({ table: 'orders' }),
                  ],
                },
              },
            }
          : p,
      ),
    };
    const changes = accessChanges(scheduleReport(head));
    expect(changes[0]).toBe('in production:');
    expect(changes).toContain('  ~ profile catalogue-reader adds dynamodb:PutItem on dynamodb table/orders');
    expect(changes.some((line) => line.startsWith('in sandbox') || line.startsWith('in staging'))).toBe(
      false,
    );
  });
});
