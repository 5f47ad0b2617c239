import { describe, expect, it } from 'vitest';
import { canary } from './canary';
import { tasks } from './index';
import { testContext } from '../testing/fakes';

describe('canary', () => {
  it('logs one line and succeeds, calling nothing outside the task', async () => {
    // testContext's fetch and TLS probe reject if called: a partner outage cannot fail the canary.
    const { ctx, lines } = testContext({ now: '2026-11-22T00:00:00Z' });
    await expect(canary.run(ctx)).resolves.toBe('canary ok');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'canary: the job runner started this task and its logs arrive',
        startedAt: '2026-11-22T00:00:00.000Z',
      }),
    ]);
  });

  it('is in the image’s task registry under the name config/schedules.ts runs', () => {
    expect(tasks.get('canary')).toBe(canary);
  });
});
