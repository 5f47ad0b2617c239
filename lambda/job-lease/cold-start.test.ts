import { describe, expect, it } from 'vitest';

/**
 * The handler's schemas are built when the module loads: one that cannot be built (say, a
 * discriminated union whose options lose their `action`) fails every cold start. Loaded inside
 * a test, so that such a failure fails a test rather than only the collection of a file
 * (which `npm run mutation` does not count as a detection).
 */
describe('job-lease cold start', () => {
  it('the handler module loads', async () => {
    const module = await import('./handler.js');
    expect(typeof module.handler).toBe('function');
  });
});
