import { describe, expect, it } from 'vitest';
import { decide, DEFAULT_QUIET_MINUTES, threadAfter, type Thread } from './storm';

const at = (hhmm: string, day = '24') => new Date(`2026-11-${day}T${hhmm}:00Z`);
const failure = (hhmm: string) => ({ kind: 'failure' as const, at: at(hhmm) });

/** Runs notices through decide/threadAfter as the notifier does, counting Slack messages. */
function play(notices: { kind: 'failure' | 'skipped' | 'success'; at: Date }[]) {
  let open: Thread | undefined;
  const posts: string[] = [];
  let updates = 0;
  let recoveries = 0;
  for (const notice of notices) {
    const decision = decide(notice, open);
    const { kind, at: when } = notice;
    if (decision.action === 'post' && kind !== 'success') {
      posts.push(when.toISOString());
      open = threadAfter(decision, { kind, at: when }, { channel: 'C1', ts: String(posts.length) });
    } else if (decision.action === 'update' && kind !== 'success') {
      updates += 1;
      open = threadAfter(decision, { kind, at: when });
    } else if (decision.action === 'recover') {
      recoveries += 1;
      open = undefined;
    }
  }
  return { posts, updates, recoveries, open };
}

describe('storm control', () => {
  it('an every-5-minutes job failing all night is one message, updated, then one recovery', () => {
    const night = Array.from({ length: 100 }, (_, i) => ({
      kind: 'failure' as const,
      at: new Date(at('16:05').getTime() + i * 5 * 60_000),
    }));
    const result = play([...night, { kind: 'success', at: at('23:00', '25') }]);
    expect(result.posts).toEqual(['2026-11-24T16:05:00.000Z']);
    expect(result.updates).toBe(99);
    expect(result.recoveries).toBe(1);
    expect(result.open).toBeUndefined();
  });

  it('counts the repeats since the first failure, for "failed 3 times since 01:05"', () => {
    const first = threadAfter({ action: 'post' }, failure('01:05'), { channel: 'C1', ts: '171.1' });
    const second = decide(failure('01:10'), first);
    expect(second).toEqual({ action: 'update', thread: first, count: 2 });
    const third = threadAfter(second as Extract<typeof second, { action: 'update' }>, failure('01:10'));
    expect(decide(failure('01:15'), third)).toMatchObject({ action: 'update', count: 3 });
    expect(third).toEqual({
      kind: 'failure',
      channel: 'C1',
      ts: '171.1',
      firstAt: '2026-11-24T01:05:00.000Z',
      lastAt: '2026-11-24T01:10:00.000Z',
      count: 2,
    });
  });

  it('a failure after a quiet spell is a new incident, with a new message', () => {
    const open = threadAfter({ action: 'post' }, failure('01:00'), { channel: 'C1', ts: '1' });
    const quietEnd = new Date(at('01:00').getTime() + DEFAULT_QUIET_MINUTES * 60_000);
    expect(decide({ kind: 'failure', at: quietEnd }, open)).toMatchObject({ action: 'update' });
    expect(decide({ kind: 'failure', at: new Date(quietEnd.getTime() + 1) }, open)).toEqual({
      action: 'post',
    });
    expect(decide({ kind: 'failure', at: at('02:00') }, open, 30)).toEqual({ action: 'post' });
  });

  it('a success closes only a failure thread, and is silent otherwise', () => {
    const skipped = threadAfter(
      { action: 'post' },
      { kind: 'skipped', at: at('01:00') },
      { channel: 'C1', ts: '1' },
    );
    expect(decide({ kind: 'success', at: at('02:00') }, skipped)).toEqual({ action: 'ignore' });
    expect(decide({ kind: 'success', at: at('02:00') }, undefined)).toEqual({ action: 'ignore' });
  });

  it('each kind has its own thread: a skip does not add to a failure count', () => {
    const failing = threadAfter({ action: 'post' }, failure('01:00'), { channel: 'C1', ts: '1' });
    expect(decide({ kind: 'skipped', at: at('01:05') }, failing)).toEqual({ action: 'post' });
  });

  it('a new thread needs the message that starts it', () => {
    expect(() => threadAfter({ action: 'post' }, failure('01:00'))).toThrow(
      'needs the message it starts with',
    );
  });
});
