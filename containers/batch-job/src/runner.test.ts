import { describe, expect, it } from 'vitest';
import { EXIT, StopSignal } from './errors';
import { runTask, type RunnerDeps } from './runner';
import { fakeFetch, hangUntilAborted, json } from './testing/fakes';

function deps(overrides: Partial<RunnerDeps> = {}) {
  const lines: Record<string, unknown>[] = [];
  const d: RunnerDeps = {
    env: { JOB_NAME: 'partner-inventory-sync' },
    fetch: () => Promise.reject(new Error('no network in tests')),
    probeTls: () => Promise.reject(new Error('no network in tests')),
    now: () => new Date('2026-11-22T00:00:00Z'),
    sleep: () => Promise.resolve(),
    signal: new AbortController().signal,
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    ...overrides,
  };
  return { deps: d, lines };
}

describe('runTask', () => {
  it('exits 2 on an unknown task, naming it and listing the valid ones', async () => {
    const { deps: d, lines } = deps();
    await expect(runTask(['nope'], d)).resolves.toBe(EXIT.usage);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', task: 'nope' });
    expect(lines[0]!['message']).toBe(
      'unknown task "nope"; valid tasks: partner-sync, check-endpoints, sales-report, post-digest, invoice-run, reindex, check-certificates, session-cleanup, backup-verify, ftp-import, canary',
    );
  });

  it('exits 2 without a task', async () => {
    const { deps: d, lines } = deps();
    await expect(runTask([], d)).resolves.toBe(2);
    expect(String(lines[0]!['message'])).toMatch(/^no task given; valid tasks: partner-sync, /);
  });

  it('exits 0 on success and logs JSON lines with job, task, level and message', async () => {
    const { fetch } = fakeFetch(() => json({ items: [] }));
    const { deps: d, lines } = deps({
      fetch,
      env: {
        JOB_NAME: 'partner-inventory-sync',
        PARTNER_API_URL: 'https://p.example.com/inv',
        PARTNER_API_KEY: 'k',
      },
    });
    await expect(runTask(['partner-sync'], d)).resolves.toBe(EXIT.ok);
    expect(lines.at(-1)).toEqual({
      time: '2026-11-22T00:00:00.000Z',
      level: 'info',
      job: 'partner-inventory-sync',
      task: 'partner-sync',
      message: 'received 0 items: 0 in stock, 0 out of stock',
      outcome: 'succeeded',
      durationMs: 0,
    });
  });

  it('exits 1 when the task fails, and 2 when its configuration is missing', async () => {
    const { fetch } = fakeFetch(() => new Response('no', { status: 500 }));
    const failing = deps({ fetch, env: { BACKUP_STATUS_URL: 'https://b.example.com/status' } });
    await expect(runTask(['backup-verify'], failing.deps)).resolves.toBe(EXIT.failure);
    expect(failing.lines.at(-1)).toMatchObject({ level: 'error', outcome: 'failed' });
    expect(failing.lines.at(-1)).not.toHaveProperty('stack');

    const unconfigured = deps();
    await expect(runTask(['backup-verify'], unconfigured.deps)).resolves.toBe(EXIT.usage);
    expect(unconfigured.lines.at(-1)!['message']).toContain(
      'environment variable BACKUP_STATUS_URL is not set',
    );
  });

  it('exits 1 with a stack trace on an unexpected error', async () => {
    const { deps: d, lines } = deps({
      env: { PARTNER_API_URL: 'https://p.example.com/inv', PARTNER_API_KEY: 'k' },
      fetch: () => {
        throw new RangeError('bug');
      },
    });
    // requestJson turns a throwing fetch into a JobFailure too; the runner must still answer 1.
    await expect(runTask(['partner-sync'], d)).resolves.toBe(1);
    expect(lines.at(-1)!['message']).toContain('bug');
  });

  it('on SIGTERM aborts the in-flight request and exits 143', async () => {
    const controller = new AbortController();
    const { fetch, requests } = fakeFetch(hangUntilAborted);
    const { deps: d, lines } = deps({ fetch, signal: controller.signal });

    const exit = runTask(['check-endpoints', 'https://www.example.com/healthz'], d);
    await waitFor(() => requests.length === 1);
    controller.abort(new StopSignal('SIGTERM'));

    await expect(exit).resolves.toBe(EXIT.SIGTERM);
    expect(requests[0]!.signal!.aborted).toBe(true);
    expect(lines.at(-1)).toMatchObject({ level: 'warn', outcome: 'stopped' });
    expect(lines.at(-1)!['message']).toBe('stopped by SIGTERM before finishing; the run is incomplete');
  });

  it('exits 130 on SIGINT', async () => {
    const controller = new AbortController();
    const { fetch } = fakeFetch(hangUntilAborted);
    const { deps: d } = deps({ fetch, signal: controller.signal });
    const exit = runTask(['check-endpoints', 'https://www.example.com/'], d);
    controller.abort(new StopSignal('SIGINT'));
    await expect(exit).resolves.toBe(EXIT.SIGINT);
  });

  it('still exits 143 when a task ignores the signal, after the grace period', async () => {
    const controller = new AbortController();
    // A fetch that never settles, signal or not.
    const { deps: d } = deps({
      fetch: () => new Promise<never>(() => {}),
      signal: controller.signal,
      stopGraceMs: 20,
    });
    const exit = runTask(['check-endpoints', 'https://www.example.com/'], d);
    controller.abort(new StopSignal('SIGTERM'));
    await expect(exit).resolves.toBe(143);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(condition()).toBe(true);
}
