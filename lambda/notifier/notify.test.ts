import { describe, expect, it } from 'vitest';
import type { NotifierCatalog } from '../../lib/schedule/notifier-catalog';
import type { SlackMessage } from './message';
import { readNotice } from './notice';
import { notify, type NotifyDeps } from './notify';
import type { Posted } from './slack';
import type { NoticeKind, Thread } from './storm';
import { alarmNotification, EXECUTION_ARN, jobEvent, runDetail } from './test-support/events';

const catalog: NotifierCatalog = {
  environment: {
    name: 'sandbox',
    region: 'ap-northeast-1',
    channel: '#sre-batch-sandbox',
    timezone: 'Asia/Tokyo',
  },
  jobs: {
    'sync-inventory': {
      channel: '#commerce-batch',
      timezone: 'Asia/Tokyo',
      retries: 2,
      timeoutSeconds: 600,
      notifySkipped: false,
    },
    'cache-warmer': {
      channel: '#sre-alerts',
      timezone: 'UTC',
      retries: 0,
      timeoutSeconds: 300,
      notifySkipped: true,
    },
  },
};

/** Runs `effect` and resolves: the in-memory stand-ins answer at once. */
const done = (effect: unknown): Promise<void> => Promise.resolve(void effect);

/** Slack and the jobs table, in memory: what was posted where, and the threads kept. */
function stand() {
  const posts: { channel: string; text: string; threadTs?: string }[] = [];
  const updates: { ts: string; text: string }[] = [];
  const threads = new Map<string, Thread>();
  let n = 0;
  const deps: NotifyDeps = {
    catalog,
    slack: {
      post: (channel: string, message: SlackMessage, threadTs?: string): Promise<Posted> => {
        posts.push({ channel, text: message.text, ...(threadTs ? { threadTs } : {}) });
        return Promise.resolve({ channel, ts: `1732410000.00${++n}` });
      },
      update: (posted: Posted, message: SlackMessage) =>
        done(updates.push({ ts: posted.ts, text: message.text })),
    },
    threads: {
      get: (job: string, kind: NoticeKind) => Promise.resolve(threads.get(`${job}/${kind}`)),
      put: (job: string, thread: Thread) => done(threads.set(`${job}/${thread.kind}`, thread)),
      close: (job: string, kind: NoticeKind) => done(threads.delete(`${job}/${kind}`)),
    },
  };
  return { posts, updates, threads, deps };
}

const at = (minutes: number) => new Date(Date.parse('2026-11-23T16:05:00Z') + minutes * 60_000).toISOString();
const failed = (job: string, minutes: number) =>
  readNotice(jobEvent('JobFailed', runDetail(job, at(minutes)), at(minutes + 2)));
const succeeded = (job: string, minutes: number) =>
  readNotice(
    jobEvent(
      'JobSucceeded',
      runDetail(job, at(minutes), { status: 'Succeeded', reason: 'exited with code 0' }),
      at(minutes + 2),
    ),
  );

describe('who is told', () => {
  it("posts a job's failure to the job's own channel (notify), not the environment's", async () => {
    const { posts, deps } = stand();
    expect(await notify(failed('sync-inventory', 0), deps)).toBe('posted');
    expect(posts.map((p) => p.channel)).toEqual(['#commerce-batch']);
    expect(posts[0]!.text).toMatch(/^:red_circle: sync-inventory failed in sandbox: exited with code 3/);
  });

  it("posts a job the catalog does not know (deleted since) to the environment's channel", async () => {
    const { posts, deps } = stand();
    await notify(failed('renamed-job', 0), deps);
    expect(posts.map((p) => p.channel)).toEqual(['#sre-batch-sandbox']);
  });

  it("posts alarms and rejected starts to the environment's channel", async () => {
    const { posts, deps } = stand();
    await notify(readNotice(alarmNotification('ALARM')), deps);
    await notify(
      readNotice(
        jobEvent(
          'JobNotStarted',
          { executionArn: EXECUTION_ARN, error: 'InvalidRunInput', cause: 'slot: bad' },
          at(0),
        ),
      ),
      deps,
    );
    expect(posts.map((p) => [p.channel, p.text.split(':')[1]])).toEqual([
      ['#sre-batch-sandbox', 'rotating_light'],
      ['#sre-batch-sandbox', 'red_circle'],
    ]);
  });

  it('posts skipped runs only for jobs that opted in', async () => {
    const { posts, deps } = stand();
    const skipped = (job: string) =>
      readNotice(
        jobEvent(
          'JobSkipped',
          runDetail(job, at(0), { status: 'Skipped', reason: 'the previous run is still running' }),
          at(1),
        ),
      );
    expect(await notify(skipped('sync-inventory'), deps)).toBe('ignored');
    expect(await notify(skipped('cache-warmer'), deps)).toBe('posted');
    expect(posts.map((p) => p.channel)).toEqual(['#sre-alerts']);
  });
});

describe('no storms', () => {
  it('an every-5-minutes job failing all night is one message, updated with the count, then one recovery', async () => {
    const { posts, updates, threads, deps } = stand();
    for (let i = 0; i < 100; i++) await notify(failed('sync-inventory', i * 5), deps);
    expect(posts).toHaveLength(1);
    expect(updates).toHaveLength(99);
    expect(updates.at(-1)!.text).toContain(
      'sync-inventory failed in sandbox — 100 times since Tue 24 Nov 01:07 JST',
    );
    expect(updates.every((u) => u.ts === '1732410000.001')).toBe(true);

    expect(await notify(succeeded('sync-inventory', 500), deps)).toBe('recovered');
    expect(posts[1]).toMatchObject({ channel: '#commerce-batch', threadTs: '1732410000.001' });
    expect(posts[1]!.text).toContain('sync-inventory succeeded again in sandbox after 100 failed runs');
    expect(threads.size).toBe(0);
    // The next failure is a new incident with a new message.
    await notify(failed('sync-inventory', 505), deps);
    expect(posts).toHaveLength(3);
  });

  it('a success with nothing open says nothing; each kind keeps its own thread', async () => {
    const { posts, deps } = stand();
    expect(await notify(succeeded('sync-inventory', 0), deps)).toBe('ignored');
    await notify(failed('sync-inventory', 5), deps);
    await notify(
      readNotice(
        jobEvent(
          'JobFellBackToOnDemand',
          {
            job: 'sync-inventory',
            slot: at(10),
            reason: 'Spot capacity unavailable',
            executionArn: EXECUTION_ARN,
          },
          at(10),
        ),
      ),
      deps,
    );
    await notify(readNotice(jobEvent('JobMissed', { job: 'sync-inventory', slot: at(15) }, at(30))), deps);
    expect(posts.map((p) => p.text.split(' ')[0])).toEqual([
      ':red_circle:',
      ':large_yellow_circle:',
      ':warning:',
    ]);
  });

  it('a failure after a quiet window opens a new thread', async () => {
    const { posts, deps } = stand();
    await notify(failed('sync-inventory', 0), deps);
    await notify(failed('sync-inventory', 6 * 60 + 1), deps);
    expect(posts).toHaveLength(2);
  });
});

describe('what it did, and where the dead letters go', () => {
  const missed = (detail: Record<string, unknown>) => readNotice(jobEvent('JobMissed', detail, at(30)));

  it.each([
    ['no job and no slot', {}],
    ['a job but no slot', { job: 'sync-inventory' }],
    ['a slot but no job', { slot: at(15) }],
  ])("posts a dead letter with %s to the environment's channel, outside any thread", async (_, detail) => {
    const { posts, threads, deps } = stand();
    expect(await notify(missed({ ...detail, reason: 'the dead letter could not be read' }), deps)).toBe(
      'posted',
    );
    expect(posts.map((p) => p.channel)).toEqual(['#sre-batch-sandbox']);
    expect(posts[0]!.text).toMatch(/^:warning: /);
    expect(posts[0]!.threadTs).toBeUndefined();
    expect(posts[0]!.text).toMatch(/: the dead letter could not be read$/);
    expect(threads.size).toBe(0);
  });

  it('names the job and slot it does not know', async () => {
    const { posts, deps } = stand();
    await notify(missed({}), deps);
    expect(posts[0]!.text).toMatch(/^:warning: a job did not run at an unknown slot in sandbox/);
  });

  it('keeps a thread per kind under the job', async () => {
    const { posts, threads, deps } = stand();
    await notify(missed({ job: 'sync-inventory', slot: at(15) }), deps);
    await notify(
      readNotice(
        jobEvent(
          'JobFellBackToOnDemand',
          { job: 'sync-inventory', slot: at(10), executionArn: EXECUTION_ARN },
          at(10),
        ),
      ),
      deps,
    );
    await notify(
      readNotice(
        jobEvent(
          'JobSkipped',
          runDetail('cache-warmer', at(0), { status: 'Skipped', reason: 'busy' }),
          at(1),
        ),
      ),
      deps,
    );
    expect(posts.map((p) => p.channel)).toEqual(['#commerce-batch', '#commerce-batch', '#sre-alerts']);
    expect([...threads.keys()].sort()).toEqual([
      'cache-warmer/skipped',
      'sync-inventory/fallback',
      'sync-inventory/missed',
    ]);
  });

  it('ignores a skipped run of a job the catalog does not know', async () => {
    const { posts, deps } = stand();
    const skipped = readNotice(
      jobEvent('JobSkipped', runDetail('renamed-job', at(0), { status: 'Skipped', reason: 'busy' }), at(1)),
    );
    expect(await notify(skipped, deps)).toBe('ignored');
    expect(posts).toEqual([]);
  });

  it("says 'posted' for alarms and rejected starts, 'updated' for a repeat", async () => {
    const { deps } = stand();
    expect(await notify(readNotice(alarmNotification('ALARM')), deps)).toBe('posted');
    expect(
      await notify(readNotice(jobEvent('JobNotStarted', { executionArn: EXECUTION_ARN }, at(0))), deps),
    ).toBe('posted');
    await notify(failed('sync-inventory', 0), deps);
    expect(await notify(failed('sync-inventory', 5), deps)).toBe('updated');
  });

  it("writes an alarm in the environment's region and time zone", async () => {
    const { deps } = stand();
    const sent: SlackMessage[] = [];
    const post = deps.slack.post;
    await notify(readNotice(alarmNotification('ALARM', '2026-11-24T01:05:00.000+0000')), {
      ...deps,
      slack: {
        ...deps.slack,
        post: (channel, message, ts) => (sent.push(message), post(channel, message, ts)),
      },
    });
    const blocks = JSON.stringify(sent[0]!.blocks);
    expect(blocks).toContain(
      'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1',
    );
    expect(blocks).toContain('10:05');
  });

  it('with a webhook (nothing to update) still keeps the thread, in the job channel with no ts', async () => {
    const { threads, deps } = stand();
    await notify(failed('sync-inventory', 0), {
      ...deps,
      slack: { ...deps.slack, post: () => Promise.resolve(undefined) },
    });
    expect(threads.get('sync-inventory/failure')).toMatchObject({
      channel: '#commerce-batch',
      ts: '',
      count: 1,
    });
  });
});
