import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from './event-pattern';

const event = {
  source: 'batch-platform.jobs',
  'detail-type': 'JobFailed',
  detail: { job: 'nightly-report', attempts: 2, tags: ['a', 'b'], nested: { ok: true } },
};

describe('matchesEventPattern (EventBridge semantics)', () => {
  it.each([
    [{ source: ['batch-platform.jobs'] }, true],
    [{ source: ['other', 'batch-platform.jobs'] }, true],
    [{ source: ['other'] }, false],
    [{ source: ['batch-platform.jobs'], 'detail-type': ['JobSucceeded'] }, false],
    [{ detail: { job: ['nightly-report'] } }, true],
    [{ detail: { job: ['other-job'] } }, false],
    [{ detail: { missing: ['x'] } }, false],
    [{ detail: { tags: ['b'] } }, true],
    [{ detail: { nested: { ok: [true] } } }, true],
    [{ detail: { nested: { ok: [false] } } }, false],
    [{ detail: { job: [{ prefix: 'nightly-' }] } }, true],
    [{ detail: { job: [{ suffix: '-report' }] } }, true],
    [{ detail: { job: [{ 'anything-but': ['nightly-report'] }] } }, false],
    [{ detail: { job: [{ 'anything-but': 'x' }] } }, true],
    [{ detail: { attempts: [{ numeric: ['>', 0, '<=', 2] }] } }, true],
    [{ detail: { attempts: [{ numeric: ['>', 2] }] } }, false],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { job: [{ exists: false }] } }, false],
    [{ detail: { job: [{ exists: true }] } }, true],
    [{ detail: ['x'] }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('refuses what it does not understand instead of guessing', () => {
    expect(() => matchesEventPattern({ detail: { job: [{ wildcard: 'n*' }] } }, event)).toThrow(
      /unsupported filter/,
    );
    expect(() => matchesEventPattern({ source: 'batch-platform.jobs' }, event)).toThrow(
      /a list or an object/,
    );
  });
});
