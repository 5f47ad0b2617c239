import { describe, expect, it } from 'vitest';
import { formatTable } from './table';

describe('formatTable', () => {
  it('prints one aligned row per scenario, "-" for what did not happen, extras as key=value', () => {
    const counts = {
      delivered: 2,
      completed: 0,
      deleted: 0,
      deadLettered: 1,
      maxConcurrentCopies: 1,
      duplicateDeliveries: 1,
      deletedWithoutCompletion: 0,
      exitMsAfterSigterm: null,
      exitCode: null,
    };
    const table = formatTable([
      { name: 'a. never answers', counts, extra: { longestRequestMs: 2001, aborted: null }, stderr: '' },
      {
        name: 'f. SIGTERM',
        counts: { ...counts, exitMsAfterSigterm: 1850, exitCode: 0 },
        extra: {},
        stderr: '',
      },
    ]);
    const [header, first, second] = table.split('\n');
    expect(header).toMatch(
      /^scenario +delivered +completed +deleted +deadLettered .* exitMsAfterSigterm +exitCode +extra$/,
    );
    expect(first).toMatch(/^a\. never answers +2 +0 +0 +1 +1 +1 +0 +- +- +longestRequestMs=2001 aborted=-$/);
    expect(second).toMatch(/^f\. SIGTERM +2 +0 +0 +1 +1 +1 +0 +1850 +0$/);
    expect(header?.indexOf('exitCode')).toBe(first?.indexOf('-', first.indexOf('-') + 1));
  });
});
