import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, MAX_COMMENT_CHARS, formatReviewComment } from './comment';

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
