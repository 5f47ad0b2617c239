import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScheduledJobConfig } from '../../lib/config';
import { missedRunCatalog, type MissedRunCatalog } from '../../lib/schedule/missed-run-catalog';
import { JOB_EVENT_SOURCE } from '../../lib/schedule/naming';
import { mockAws } from '../../test/support/aws-mock';
import { FakeJobsTable } from '../../test/support/fake-jobs-table';
import { scheduledJob } from '../../test/support/fixtures';
import { pauseKey, slotKey } from '../job-lease/keys';
import { detectMissedRuns, graceText } from './detect';
import type { JobMissedDetail } from './events';
import { seenKey } from './keys';

const ddbMock = mockAws(DynamoDBDocumentClient);
const eventsMock = mockAws(EventBridgeClient);
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const events = new EventBridgeClient({});

let table: FakeJobsTable;
let sent: PutEventsCommandInput['Entries'];
/** Entries EventBridge refuses, by their detail's slot. */
let refuse: Set<string>;

beforeEach(() => {
  ddbMock.reset();
  eventsMock.reset();
  table = new FakeJobsTable();
  table.attach(ddbMock);
  sent = [];
  refuse = new Set();
  eventsMock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    const entries = input.Entries ?? [];
    const results = entries.map((e) =>
      refuse.has((JSON.parse(e.Detail!) as JobMissedDetail).slot!)
        ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
        : { EventId: 'id' },
    );
    sent!.push(...entries.filter((_, i) => !results[i]!.ErrorCode));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  });
});

const nightly = scheduledJob(); // 0 3 * * ? * in Asia/Tokyo: 2026-11-22T18:00:00Z is 03:00 JST on the 23rd
const SLOT = '2026-11-22T18:00:00Z';
const LONG_AGO = Date.parse('2026-01-01T00:00:00Z');

const catalogOf = (...jobs: ScheduledJobConfig[]) => missedRunCatalog('sandbox', jobs);

/** The detector has known these schedules for months. */
function seenLongAgo(catalog: MissedRunCatalog): MissedRunCatalog {
  for (const job of catalog.jobs) {
    table.put({ ...seenKey(job.name, job.fingerprint), firstSeenEpochMs: LONG_AGO });
  }
  return catalog;
}

/** One detector run at `now`, in a fresh container (nothing cached) unless `firstSeen` is shared. */
const run = (catalog: MissedRunCatalog, now: string, firstSeen = new Map<string, number>()) =>
  detectMissedRuns(catalog, {
    ddb,
    events,
    tableName: 'sandbox-batch-jobs',
    eventBusName: 'sandbox-batch-jobs',
    now: () => new Date(now),
    sleep: () => Promise.resolve(),
    firstSeen,
  });

const alertedSlots = () =>
  sent!.map(
    (e) =>
      `${(JSON.parse(e.Detail!) as JobMissedDetail).job} ${(JSON.parse(e.Detail!) as JobMissedDetail).slot}`,
  );

describe('detectMissedRuns', () => {
  it('finds a deleted claim for a slot 20 minutes old and puts one JobMissed on the jobs bus', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    table.put({ ...slotKey(nightly.name, SLOT), outcome: 'run' });
    table.items.delete(`SLOT#${nightly.name}|${SLOT}`);

    const report = await run(catalog, '2026-11-22T18:20:00Z');

    expect(sent).toHaveLength(1);
    expect(sent![0]).toMatchObject({
      EventBusName: 'sandbox-batch-jobs',
      Source: JOB_EVENT_SOURCE,
      DetailType: 'JobMissed',
    });
    expect(JSON.parse(sent![0]!.Detail!)).toEqual({
      cause: 'unclaimed',
      environment: 'sandbox',
      job: 'nightly-report',
      slot: SLOT,
      expectedAt: '2026-11-23 03:00 JST',
      timezone: 'Asia/Tokyo',
      graceSeconds: 600,
      reason:
        'no run claimed the 2026-11-23 03:00 JST slot within 10m: Scheduler did not start it, or the runner failed before claiming it',
    });
    expect(report).toMatchObject({ jobsChecked: 1, slotsChecked: 1, alreadyAlerted: 0, failed: 0 });
    expect(table.get(`MISSED#${nightly.name}`, SLOT)).toMatchObject({
      detectedAt: '2026-11-22T18:20:00.000Z',
    });
  });

  it('is silent for a claimed slot, whatever the claim says', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    for (const outcome of ['run', 'skipped', 'paused']) {
      table.put({ ...slotKey(nightly.name, SLOT), outcome });
      await run(catalog, '2026-11-22T18:20:00Z');
    }
    expect(sent).toEqual([]);
  });

  it('is silent inside the grace, and alerts from its last second on', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    await run(catalog, '2026-11-22T18:09:59Z');
    expect(sent).toEqual([]);
    await run(catalog, '2026-11-22T18:10:00Z');
    expect(alertedSlots()).toEqual([`nightly-report ${SLOT}`]);
  });

  it("waits for a job's own grace", async () => {
    const patient = scheduledJob({ name: 'patient', missedRunGraceSeconds: 1800 });
    const catalog = seenLongAgo(catalogOf(patient));
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(sent).toEqual([]);
    await run(catalog, '2026-11-22T18:30:00Z');
    expect(alertedSlots()).toEqual([`patient ${SLOT}`]);
  });

  it('is silent for a job paused at the slot, and not for one paused after it or whose pause had ended', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    const pause = (since: string, until: string) =>
      table.put({
        ...pauseKey(nightly.name),
        reason: 'partner maintenance',
        by: 'arn:aws:sts::111111111111:assumed-role/ops/alice',
        since,
        until,
        untilEpoch: Date.parse(until) / 1000,
      });
    pause('2026-11-22T17:00:00Z', '2026-11-22T21:00:00Z');
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(sent).toEqual([]);

    pause('2026-11-22T17:00:00Z', SLOT); // ended as the slot came
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(alertedSlots()).toEqual([`nightly-report ${SLOT}`]);

    table.items.delete(`MISSED#${nightly.name}|${SLOT}`);
    sent = [];
    pause('2026-11-22T18:05:00Z', '2026-11-22T21:00:00Z'); // paused after the slot was missed
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(alertedSlots()).toEqual([`nightly-report ${SLOT}`]);
  });

  it('trusts a pause item written without `since` for the whole of its time', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    table.put({ ...pauseKey(nightly.name), untilEpoch: Date.parse('2026-11-22T21:00:00Z') / 1000 });
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(sent).toEqual([]);
  });

  it('says the grace as config writes it', () => {
    expect([graceText(600), graceText(7200), graceText(90)]).toEqual(['10m', '2h', '90s']);
  });

  it('is silent for a disabled job', async () => {
    const off = scheduledJob({ enabled: false, disabledReason: 'partner API retired' });
    const catalog = seenLongAgo(catalogOf(off));
    const report = await run(catalog, '2026-11-22T18:20:00Z');
    expect(sent).toEqual([]);
    expect(report.jobsChecked).toBe(0);
  });

  it('is silent for a job whose review date is still ahead, should the catalog say so', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    const held = { ...catalog, jobs: [{ ...catalog.jobs[0]!, disabledUntil: '2026-12-01' }] };
    await run(held, '2026-11-22T18:20:00Z');
    expect(sent).toEqual([]);
    const over = { ...catalog, jobs: [{ ...catalog.jobs[0]!, disabledUntil: '2026-11-01' }] };
    await run(over, '2026-11-22T18:20:00Z');
    expect(alertedSlots()).toEqual([`nightly-report ${SLOT}`]);
  });

  it('is silent for a job added minutes ago, and checks its slots from then on', async () => {
    const catalog = catalogOf(nightly); // never seen
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(sent).toEqual([]);
    expect(table.get(`SEEN#${nightly.name}`, catalog.jobs[0]!.fingerprint)).toMatchObject({
      cron: '0 3 * * ? *',
      timezone: 'Asia/Tokyo',
      firstSeen: '2026-11-22T18:20:00.000Z',
    });
    // A later run in another container reads the recorded time: still silent for that slot.
    await run(catalog, '2026-11-22T18:25:00Z');
    expect(sent).toEqual([]);
    // The next day's slot is expected.
    await run(catalog, '2026-11-23T18:20:00Z');
    expect(alertedSlots()).toEqual(['nightly-report 2026-11-23T18:00:00Z']);
  });

  it('treats a changed cron as a new schedule: no alert for slots the new cron had before the change', async () => {
    seenLongAgo(catalogOf(nightly));
    const moved = catalogOf(scheduledJob({ cron: '0 2 * * ? *' })); // 02:00 JST = 17:00Z
    await run(moved, '2026-11-22T17:20:00Z');
    expect(sent).toEqual([]);
  });

  it('alerts once per slot across detector runs, and again only when EventBridge refused the alert', async () => {
    const every5 = scheduledJob({ name: 'every-5', cron: '*/5 * * * ? *' });
    const catalog = seenLongAgo(catalogOf(every5));
    refuse.add('2026-11-22T18:05:00Z');
    const first = await run(catalog, '2026-11-22T18:20:00Z');
    // Due at 18:20: past the 10m grace, within the 15m look-back.
    expect(alertedSlots()).toEqual(['every-5 2026-11-22T18:00:00Z', 'every-5 2026-11-22T18:10:00Z']);
    expect(first.failed).toBe(1);
    expect(table.get('MISSED#every-5', '2026-11-22T18:05:00Z')).toBeUndefined();

    refuse.clear();
    sent = [];
    const second = await run(catalog, '2026-11-22T18:25:00Z');
    expect(alertedSlots()).toEqual(['every-5 2026-11-22T18:05:00Z', 'every-5 2026-11-22T18:15:00Z']);
    expect(second.alreadyAlerted).toBe(1);
  });

  it('reads claims in BatchGetItem calls of 100 keys and retries unprocessed keys', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) =>
      scheduledJob({ name: `job-${i}`, cron: '0 3 * * ? *' }),
    );
    const catalog = seenLongAgo(catalogOf(...jobs));
    for (const job of jobs) table.put({ ...slotKey(job.name, SLOT), outcome: 'run' });
    table.unprocessedOnce = 40;
    const warm = new Map<string, number>();
    await run(catalog, '2026-11-22T18:20:00Z', warm);
    expect(sent).toEqual([]);
    // 3 for the first-seen times, 3 + 1 retry for the claims; no pause read without a miss.
    expect(table.batchGets).toBe(7);
    table.batchGets = 0;
    // A warm container knows the first-seen times: claims only.
    await run(catalog, '2026-11-22T18:22:00Z', warm);
    expect(table.batchGets).toBe(3);
  });

  it('fails rather than alert when keys stay unprocessed', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    table.alwaysUnprocessed = true;
    await expect(run(catalog, '2026-11-22T18:20:00Z')).rejects.toThrow(
      /stayed unprocessed after 8 BatchGetItem calls/,
    );
    expect(sent).toEqual([]);
  });
});

describe('detectMissedRuns at the edges', () => {
  it('is silent for a pause that began exactly at the slot, and alerts past a pause item without an end', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    table.put({
      ...pauseKey(nightly.name),
      since: SLOT,
      untilEpoch: Date.parse('2026-11-22T21:00:00Z') / 1000,
    });
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(sent).toEqual([]);
    table.put({ ...pauseKey(nightly.name), since: '2026-11-22T17:00:00Z' });
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(alertedSlots()).toEqual([`nightly-report ${SLOT}`]);
  });

  it('checks a job whose review date is today', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    await run(
      { ...catalog, jobs: [{ ...catalog.jobs[0]!, disabledUntil: '2026-11-22' }] },
      '2026-11-22T18:20:00Z',
    );
    expect(alertedSlots()).toEqual([`nightly-report ${SLOT}`]);
  });

  it('checks all 15 slots of an every-minute job in its look-back', async () => {
    const catalog = seenLongAgo(catalogOf(scheduledJob({ name: 'each-minute', cron: '* * * * ? *' })));
    const report = await run(catalog, '2026-11-22T18:20:00Z');
    expect(report.slotsChecked).toBe(15);
    expect(sent).toHaveLength(15);
  });

  it('counts a slot at the very moment the schedule was first seen', async () => {
    const catalog = catalogOf(nightly);
    table.put({ ...seenKey(nightly.name, catalog.jobs[0]!.fingerprint), firstSeenEpochMs: Date.parse(SLOT) });
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(alertedSlots()).toEqual([`nightly-report ${SLOT}`]);
  });

  it('keeps its marker for 7 days, and reports as alerted only what EventBridge took', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    refuse.add(SLOT);
    const report = await run(catalog, '2026-11-22T18:20:00Z');
    expect(report).toMatchObject({ alerted: [], failed: 1 });
    refuse.clear();
    await run(catalog, '2026-11-22T18:20:00Z');
    expect(table.get(`MISSED#${nightly.name}`, SLOT)).toMatchObject({
      ttl: Date.parse('2026-11-22T18:20:00Z') / 1000 + 7 * 86_400,
    });
  });

  it('keeps each job’s first-seen time apart in a warm container', async () => {
    const warm = new Map<string, number>();
    const catalog = seenLongAgo(catalogOf(nightly));
    table.put({ ...slotKey(nightly.name, SLOT), outcome: 'run' });
    await run(catalog, '2026-11-22T18:20:00Z', warm);
    // A job added just now: its 03:00 slot came before anyone knew it.
    await run(catalogOf(nightly, scheduledJob({ name: 'added-now' })), '2026-11-22T18:20:00Z', warm);
    expect(sent).toEqual([]);
  });

  it('reads claims consistently, backing off 100 ms doubling to 2 s between unprocessed retries', async () => {
    const catalog = seenLongAgo(catalogOf(nightly));
    table.alwaysUnprocessed = true;
    const waits: number[] = [];
    await expect(
      detectMissedRuns(catalog, {
        ddb,
        events,
        tableName: 'sandbox-batch-jobs',
        eventBusName: 'sandbox-batch-jobs',
        now: () => new Date('2026-11-22T18:20:00Z'),
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
        firstSeen: new Map(),
      }),
    ).rejects.toThrow(/unprocessed/);
    expect(waits).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(
      ddbMock
        .commandCalls(BatchGetCommand)
        .every((c) =>
          Object.values(c.args[0].input.RequestItems ?? {}).every((r) => r.ConsistentRead === true),
        ),
    ).toBe(true);
  });
});

describe('detectMissedRuns across time zones', () => {
  /** Runs the detector every 5 minutes from `from` to `to` with no claims; returns the alerts. */
  async function sweep(job: ScheduledJobConfig, from: string, to: string): Promise<string[]> {
    const catalog = seenLongAgo(catalogOf(job));
    const firstSeen = new Map<string, number>();
    for (let t = Date.parse(from); t <= Date.parse(to); t += 5 * 60_000) {
      await run(catalog, new Date(t).toISOString(), firstSeen);
    }
    return sent!.map((e) => {
      const d = JSON.parse(e.Detail!) as JobMissedDetail;
      return `${d.slot} ${d.expectedAt}`;
    });
  }

  it('New York spring forward: 02:30 does not exist on 8 March, so no slot is expected that day', async () => {
    const job = scheduledJob({ name: 'ny-0230', cron: '30 2 * * ? *', timezone: 'America/New_York' });
    expect(await sweep(job, '2026-03-07T00:00:00Z', '2026-03-09T12:00:00Z')).toEqual([
      '2026-03-07T07:30:00Z 2026-03-07 02:30 EST',
      '2026-03-09T06:30:00Z 2026-03-09 02:30 EDT',
    ]);
  });

  it('New York spring forward: 09:00 is 13:00Z from that day on, and a claim at 14:00Z does not count', async () => {
    const job = scheduledJob({ name: 'ny-0900', cron: '0 9 * * ? *', timezone: 'America/New_York' });
    table.put({ ...slotKey(job.name, '2026-03-08T14:00:00Z'), outcome: 'run' });
    expect(await sweep(job, '2026-03-07T12:00:00Z', '2026-03-08T15:00:00Z')).toEqual([
      '2026-03-07T14:00:00Z 2026-03-07 09:00 EST',
      '2026-03-08T13:00:00Z 2026-03-08 09:00 EDT',
    ]);
  });

  it('New York fall back: 01:30 happens twice on 1 November and is expected once', async () => {
    const job = scheduledJob({ name: 'ny-0130', cron: '30 1 * * ? *', timezone: 'America/New_York' });
    expect(await sweep(job, '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z')).toEqual([
      '2026-11-01T05:30:00Z 2026-11-01 01:30 EDT',
      '2026-11-02T06:30:00Z 2026-11-02 01:30 EST',
    ]);
  });

  it('Asia/Tokyo has no DST: 03:00 JST is 18:00Z the day before, on the US change days too', async () => {
    expect(await sweep(nightly, '2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z')).toEqual([
      '2026-03-07T18:00:00Z 2026-03-08 03:00 JST',
      '2026-03-08T18:00:00Z 2026-03-09 03:00 JST',
    ]);
  });
});
