import { describe, expect, it } from 'vitest';
import { leaseKey, noticeKey, pauseKey, slotKey } from './keys';

describe('job table keys', () => {
  it("keep a notifier thread per job and kind under NOTICE#, the prefix the notifier's role is limited to", () => {
    expect(noticeKey('nightly-report', 'failure')).toEqual({ pk: 'NOTICE#nightly-report', sk: 'failure' });
    expect(noticeKey('nightly-report', 'missed')).not.toEqual(noticeKey('nightly-report', 'failure'));
  });

  it('give each kind of item its own partition prefix, so no role limited to one prefix reaches another', () => {
    const prefixes = [leaseKey('a'), slotKey('a', 's'), pauseKey('a'), noticeKey('a', 'failure')].map(
      (key) => key.pk.split('#')[0],
    );
    expect(prefixes).toEqual(['LEASE', 'SLOT', 'PAUSE', 'NOTICE']);
  });
});
