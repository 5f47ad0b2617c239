import { describe, expect, it } from 'vitest';
import { StateError, executionArn } from './world';
import { gate, input, until, useWorld } from './support';

const newWorld = useWorld();

describe('job runner scenarios: the normal path and capacity', () => {
  it('normal run: one Spot task, record, JobSucceeded, lease released, in 9 state transitions', async () => {
    const world = newWorld();
    const result = await world.start('exec-1', input()).done;

    expect(result.status).toBe('SUCCEEDED');
    expect(world.calls.map((c) => c.state)).toEqual(['Begin', 'RunOnSpot', 'Finish']);
    expect(world.callsTo('RunOnSpot')[0]!.input).toMatchObject({
      TaskDefinition: 'sandbox-job-nightly-report',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
    expect(world.records).toEqual([
      expect.objectContaining({
        status: 'Succeeded',
        exitCode: 0,
        capacity: 'spot',
        attempts: 1,
        trigger: 'schedule',
      }),
    ]);
    expect(world.events.map((e) => e.detailType)).toEqual(['JobSucceeded']);
    expect(world.events[0]!.detail).toMatchObject({ recorded: true, stopCode: 'EssentialContainerExited' });
    expect(world.lease()).toBeUndefined();
    // Each state entered is a billed transition; the budget is 10.
    expect(world.transitions.get('exec-1')).toEqual([
      'Begin',
      'Decide',
      'ChooseCapacity',
      'RunOnSpot',
      'TaskStopped',
      'MarkSucceeded',
      'Finish',
      'Outcome',
      'Done',
    ]);
  });

  it('Spot capacity errors, then success, stays on Spot', async () => {
    const world = newWorld();
    let attempts = 0;
    world.behaviour = (call) => {
      if (++attempts <= 2) throw new StateError('AmazonECS.Unknown', 'Capacity is unavailable at this time');
      call.start();
      return { exitCode: 0 };
    };
    expect((await world.start('exec-1', input()).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(3);
    expect(world.callsTo('RunOnDemand')).toHaveLength(0);
    expect(world.records[0]).toMatchObject({ capacity: 'spot', fellBackToOnDemand: false });
  });

  it('Spot capacity exhausted: falls back to on-demand and says so', async () => {
    const world = newWorld();
    world.behaviour = (call) => {
      if (call.capacity === 'FARGATE_SPOT') throw new StateError('AmazonECS.Unknown', 'No Spot capacity');
      call.start();
      return { exitCode: 0 };
    };
    expect((await world.start('exec-1', input()).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(4); // first try + 3 retries with backoff
    expect(world.callsTo('RunOnDemand')[0]!.input).toMatchObject({
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE' }],
    });
    expect(world.events.map((e) => e.detailType)).toEqual(['JobFellBackToOnDemand', 'JobSucceeded']);
    expect(world.events[0]!.detail).toMatchObject({
      job: 'nightly-report',
      reason: 'Spot capacity unavailable',
    });
    expect(world.records[0]).toMatchObject({ capacity: 'on-demand', fellBackToOnDemand: true, attempts: 1 });
  });

  it('Spot interruption: reruns on-demand without using the job retry budget', async () => {
    const world = newWorld();
    world.behaviour = (call) => {
      call.start();
      return call.capacity === 'FARGATE_SPOT'
        ? { exitCode: 143, stopCode: 'SpotInterruption' }
        : { exitCode: 0 };
    };
    expect((await world.start('exec-1', input({ retries: 0 })).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
    expect(world.callsTo('RunOnDemand')).toHaveLength(1);
    expect(world.events.map((e) => e.detailType)).toEqual(['JobFellBackToOnDemand', 'JobSucceeded']);
    expect(world.records[0]).toMatchObject({ status: 'Succeeded', attempts: 1, fellBackToOnDemand: true });
  });

  it('a Spot-interrupted task that exits 0 on SIGTERM is not a success: it reruns on-demand', async () => {
    const world = newWorld();
    world.behaviour = (call) => {
      call.start();
      return call.capacity === 'FARGATE_SPOT'
        ? { exitCode: 0, stopCode: 'SpotInterruption' }
        : { exitCode: 0 };
    };
    expect((await world.start('exec-1', input()).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnDemand')).toHaveLength(1);
    expect(world.records[0]).toMatchObject({ capacity: 'on-demand', fellBackToOnDemand: true });
  });
});

describe('job runner scenarios: failures', () => {
  it('exit code 1 with retries: 2 runs three times, then fails the execution', async () => {
    const world = newWorld();
    world.behaviour = (call) => (call.start(), { exitCode: 1 });
    const result = await world.start('exec-1', input({ retries: 2 })).done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
    expect(world.callsTo('RunOnSpot')).toHaveLength(3);
    expect(world.records[0]).toMatchObject({ status: 'Failed', exitCode: 1, attempts: 3 });
    expect(world.events.map((e) => e.detailType)).toEqual(['JobFailed']);
    expect(world.lease()).toBeUndefined();
  });

  it('exit code 1 without retries fails after one run', async () => {
    const world = newWorld();
    world.behaviour = (call) => (call.start(), { exitCode: 1 });
    expect((await world.start('exec-1', input()).done).status).toBe('FAILED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
  });

  it.each([
    ['an unknown task family', 'ECS.ClientException', 'Unable to find task definition'],
    ['an access denial', 'ECS.AccessDeniedException', 'not authorized to perform: ecs:RunTask'],
  ])(
    '%s is not a capacity shortage: one RunTask, no fallback, no retries spent, cause recorded',
    async (_, error, cause) => {
      const world = newWorld();
      world.behaviour = () => {
        throw new StateError(error, cause);
      };
      const result = await world.start('exec-1', input({ retries: 2 })).done;
      expect(result).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
      expect(world.callsTo('RunOnSpot')).toHaveLength(1);
      expect(world.callsTo('RunOnDemand')).toHaveLength(0);
      expect(world.events.map((e) => e.detailType)).toEqual(['JobFailed']);
      expect(world.records[0]).toMatchObject({ status: 'Failed', attempts: 1, cause: `${error}: ${cause}` });
    },
  );

  it('a task that failed to start (image, secret) is not retried as the job failing', async () => {
    const world = newWorld();
    world.behaviour = (call) => (
      call.start(),
      { stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets' }
    );
    expect((await world.start('exec-1', input({ retries: 2 })).done).status).toBe('FAILED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
    expect(world.records[0]!.reason).toContain('unable to pull secrets');
  });

  it('a task stopped from outside (console, CLI) whose app exits 0 on SIGTERM is not a success, nor retried', async () => {
    const world = newWorld();
    world.behaviour = (call) => (call.start(), { exitCode: 0, stopCode: 'UserInitiated' });
    const result = await world.start('exec-1', input({ retries: 2 })).done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
    expect(world.records[0]).toMatchObject({ status: 'Failed', stopCode: 'UserInitiated', exitCode: 0 });
  });

  it('timeout: the task started by this execution is stopped, found without StartedBy', async () => {
    const world = newWorld();
    world.behaviour = (call) => (call.start(), new Promise(() => undefined)); // the job hangs
    const result = await world.start('exec-1', input({ timeoutSeconds: 1 })).done;

    expect(result).toMatchObject({ status: 'FAILED', error: 'JobTimedOut' });
    const [task] = [...world.ecs.tasks.values()];
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedBy: 'Job timeout reached',
    });
    expect(world.records[0]).toMatchObject({
      status: 'TimedOut',
      reason: expect.stringContaining('its work was stopped') as unknown,
    });
    expect(world.events.map((e) => e.detailType)).toEqual(['JobTimedOut']);
    expect(world.lease()).toBeUndefined();
  });

  it('the recorder cannot publish: the runner publishes the outcome itself and releases the lease', async () => {
    const world = newWorld();
    world.failRecorderPutEvents = true;
    expect((await world.start('exec-1', input()).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('Finish').length).toBeGreaterThan(1); // retried first
    expect(world.records[0]!.status).toBe('Succeeded');
    expect(world.events).toEqual([
      {
        detailType: 'JobSucceeded',
        detail: expect.objectContaining({ job: 'nightly-report', status: 'Succeeded' }) as unknown,
      },
    ]);
    expect(world.lease()).toBeUndefined();
  });

  it('the event bus is down: the job outcome is unchanged and the lease is still released', async () => {
    const world = newWorld();
    world.failPutEvents = true;
    world.behaviour = (call) => (call.start(), { exitCode: 1 });
    expect((await world.start('exec-1', input()).done).error).toBe('JobFailed');
    expect(world.callsTo('PublishOutcome')).toHaveLength(1);
    expect(world.records[0]!.status).toBe('Failed');
    expect(world.lease()).toBeUndefined();
  });

  it('a failing record does not silence the outcome: JobFailed is published, marked unrecorded', async () => {
    const world = newWorld();
    world.table.failRecordPuts = true;
    world.behaviour = (call) => (call.start(), { exitCode: 1 });
    expect((await world.start('exec-1', input()).done).status).toBe('FAILED');
    expect(world.records).toEqual([]);
    expect(world.events).toEqual([
      {
        detailType: 'JobFailed',
        detail: expect.objectContaining({ job: 'nightly-report', recorded: false, exitCode: 1 }) as unknown,
      },
    ]);
    expect(world.lease()).toBeUndefined();
  });
});

describe('job runner scenarios: the input is checked once, before anything is claimed', () => {
  const job = input().job;
  it.each([
    ['trigger "cron"', { ...input(), trigger: 'cron' }],
    ['capacity "SPOT"', { ...input(), job: { ...job, capacity: 'SPOT' } }],
    ['retries "2"', { ...input(), job: { ...job, retries: '2' } }],
    ['timeoutSeconds 0', { ...input(), job: { ...job, timeoutSeconds: 0 } }],
    ['no timeoutSeconds', { ...input(), job: { ...job, timeoutSeconds: undefined } }],
    ['a lease shorter than the longest run', { ...input(), job: { ...job, leaseSeconds: 60 } }],
    ['an unknown field', { ...input(), surprise: true }],
  ])('%s: no task, no slot, no lease, and JobNotStarted says why', async (_, bad) => {
    const world = newWorld();
    const result = await world.start('exec-1', bad).done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'JobNotStarted' });
    expect(world.callsTo('Begin')).toHaveLength(1); // a bad input is never retried
    expect(world.ecs.tasks.size).toBe(0);
    expect(world.table.items.size).toBe(0);
    expect(world.events).toEqual([
      {
        detailType: 'JobNotStarted',
        detail: expect.objectContaining({ error: 'InvalidRunInput' }) as unknown,
      },
    ]);
  });

  it('a lease write that fails leaves no slot claimed, so the retried start runs the slot', async () => {
    const world = newWorld();
    world.table.failTransactions = 2;
    expect((await world.start('exec-1', input()).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('Begin')).toHaveLength(3);
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
  });

  it('when the lease stays unwritable, nothing is half-written and a redelivery of the slot still runs', async () => {
    const world = newWorld();
    world.table.failTransactions = 5;
    expect((await world.start('exec-1', input()).done).error).toBe('JobNotStarted');
    expect(world.table.items.size).toBe(0);
    expect((await world.start('exec-2', input()).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot', 'exec-2')).toHaveLength(1);
  });
});

describe('job runner scenarios: one run per slot, no overlap', () => {
  it('two starts for the same slot in the same second run exactly one task', async () => {
    const world = newWorld();
    const results = await Promise.all([
      world.start('exec-a', input()).done,
      world.start('exec-b', input()).done,
    ]);
    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
    expect(world.records).toHaveLength(1); // the duplicate delivery leaves no run record
  });

  it('backfill: a slot that already ran is a duplicate; a missed slot runs once, under its real key', async () => {
    const world = newWorld();
    // The scheduled run of 03:00 happened; the one of 04:00 was missed (Scheduler never started it).
    await world.start('sched-0300', input({}, '2026-11-23T03:00:00Z')).done;
    const backfilled = await Promise.all([
      world.start('backfill-0300', input({}, '2026-11-23T03:00:00Z')).done,
      world.start('backfill-0400', input({}, '2026-11-23T04:00:00Z')).done,
    ]);
    // A late Scheduler delivery of the backfilled slot is a duplicate in its turn.
    await world.start('sched-0400-late', input({}, '2026-11-23T04:00:00Z')).done;

    expect(backfilled.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(world.callsTo('RunOnSpot').map((c) => c.execution)).toEqual(['sched-0300', 'backfill-0400']);
    expect(world.records.map((r) => [r.slot, r.trigger, r.status])).toEqual([
      ['2026-11-23T03:00:00Z', 'schedule', 'Succeeded'],
      ['2026-11-23T04:00:00Z', 'schedule', 'Succeeded'],
    ]);
  });

  it('overlap under forbid: the new run is skipped, recorded and reported once', async () => {
    const world = newWorld();
    const first = gate();
    world.behaviour = async (call) => (call.start(), await first.opened, { exitCode: 0 });
    const a = world.start('exec-a', input());
    await until(() => world.callsTo('RunOnSpot', 'exec-a').length === 1);
    const b = await world.start('exec-b', input({}, '2026-11-23T03:05:00Z')).done;
    first.release();
    await a.done;

    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot', 'exec-b')).toHaveLength(0);
    expect(world.records.filter((r) => r.status === 'Skipped')).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('exec-a is still running') as unknown }),
    ]);
    expect(world.events.filter((e) => e.detailType === 'JobSkipped')).toHaveLength(1);
    expect(world.records.find((r) => r.executionArn.endsWith('exec-a'))?.status).toBe('Succeeded');
  });

  it("a paused job's slot ends Skipped with who paused it, why and until when; a redelivery is a duplicate", async () => {
    const world = newWorld();
    const until = new Date(world.now.getTime() + 4 * 3_600_000);
    world.table.put({
      Item: {
        pk: 'PAUSE#nightly-report',
        sk: 'PAUSE',
        reason: 'vendor API down (INC-123)',
        by: 'arn:aws:sts::111111111111:assumed-role/Operator/alice',
        until: until.toISOString(),
        untilEpoch: Math.floor(until.getTime() / 1000),
      },
    });
    const result = await world.start('exec-a', input()).done;
    const again = await world.start('exec-b', input()).done;

    expect([result.status, again.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(world.callsTo('RunOnSpot')).toHaveLength(0);
    expect(world.records).toEqual([
      expect.objectContaining({
        status: 'Skipped',
        reason:
          'paused by arn:aws:sts::111111111111:assumed-role/Operator/alice until 2026-11-23T07:00:00.000Z: vendor API down (INC-123)',
      }),
    ]);
    expect(world.events.map((e) => e.detailType)).toEqual(['JobSkipped']);
    expect(world.lease()).toBeUndefined();
  });

  it('a pause that ran out no longer holds a run back', async () => {
    const world = newWorld();
    world.table.put({
      Item: {
        pk: 'PAUSE#nightly-report',
        sk: 'PAUSE',
        untilEpoch: Math.floor(world.now.getTime() / 1000) - 1,
      },
    });
    expect((await world.start('exec-a', input()).done).status).toBe('SUCCEEDED');
    expect(world.records.map((r) => r.status)).toEqual(['Succeeded']);
  });

  it('forbid holds for a run with retries that outlives any fixed lease duration', async () => {
    const world = newWorld();
    const first = gate();
    world.behaviour = async (call) => (call.start(), await first.opened, { exitCode: 0 });
    const a = world.start('exec-a', input({ retries: 3, timeoutSeconds: 600 }));
    await until(() => world.callsTo('RunOnSpot', 'exec-a').length === 1);
    world.now = new Date(world.lease()!.expiresAt * 1000 + 3_600_000); // long past the lease's end
    const b = await world.start('exec-b', input({ retries: 3, timeoutSeconds: 600 }, '2026-11-23T09:00:00Z'))
      .done;
    first.release();
    await a.done;
    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot', 'exec-b')).toHaveLength(0);
    expect(world.records.find((r) => r.executionArn === executionArn('exec-b'))?.status).toBe('Skipped');
  });

  it('overlap under allow: both runs run, and neither takes or releases a lease', async () => {
    const world = newWorld();
    const first = gate();
    world.behaviour = async (call) => {
      call.start();
      if (call.execution === 'exec-a') await first.opened;
      return { exitCode: 0 };
    };
    const a = world.start('exec-a', input({ concurrency: 'allow' }));
    await until(() => world.callsTo('RunOnSpot', 'exec-a').length === 1);
    const b = await world.start('exec-b', input({ concurrency: 'allow' }, '2026-11-23T03:05:00Z')).done;
    first.release();
    await a.done;
    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(2);
    expect(world.lease()).toBeUndefined();
    expect(world.records.map((r) => r.status)).toEqual(['Succeeded', 'Succeeded']);
  });
});
