import { describe, expect, it } from 'vitest';
import { executionArn } from './world';
import { gate, input, until, useWorld } from './support';

const newWorld = useWorld();
const replace = (slot = '2026-11-23T03:00:00Z') => input({ concurrency: 'replace' }, slot);

describe('job runner scenarios: replace and takeover', () => {
  it('replace: the old execution is stopped and its task STOPPED before the new task starts', async () => {
    const world = newWorld();
    const never = gate();
    world.ecs.stopPolls = 3; // the old task takes its stop timeout to reach STOPPED
    world.behaviour = async (call) => {
      call.start();
      if (call.execution === 'exec-a') await never.opened;
      return { exitCode: 0 };
    };
    const a = world.start('exec-a', replace());
    await until(() => world.ecs.running().length === 1);
    const b = await world.start('exec-b', replace('2026-11-23T03:05:00Z')).done;

    expect((await a.done).status).toBe('ABORTED');
    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('StopPreviousExecution')[0]!.input).toMatchObject({ ExecutionArn: a.arn });
    const [oldTask, newTask] = [...world.ecs.tasks.keys()];
    expect(world.ecs.timeline).toEqual([
      `RunTask ${oldTask} (exec-a, FARGATE_SPOT)`,
      `StopTask ${oldTask}`,
      `STOPPED ${oldTask}`,
      `RunTask ${newTask} (exec-b, FARGATE_SPOT)`,
      `STOPPED ${newTask}`,
    ]);
    expect(world.lease()).toBeUndefined();
  });

  it('replace: when the old execution cannot be stopped, the new run does not run beside it', async () => {
    const world = newWorld();
    const first = gate();
    world.behaviour = async (call) => (call.start(), await first.opened, { exitCode: 0 });
    const a = world.start('exec-a', replace());
    await until(() => world.callsTo('RunOnSpot', 'exec-a').length === 1);
    world.failStopExecution = true;
    const b = await world.start('exec-b', replace('2026-11-23T03:05:00Z')).done;
    first.release();

    expect(b.status).toBe('SUCCEEDED');
    expect((await a.done).status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot', 'exec-b')).toHaveLength(0);
    expect(world.callsTo('RunOnSpot', 'exec-a')).toHaveLength(1); // no retry after a lost task
    expect(world.records.find((r) => r.executionArn === executionArn('exec-b'))).toMatchObject({
      status: 'Skipped',
      reason: expect.stringContaining('could not be confirmed stopped') as unknown,
    });
  });

  it('a lease left by an aborted holder: its orphaned task is stopped, then the lease taken over', async () => {
    const world = newWorld();
    const hung = gate();
    world.behaviour = async (call) => (call.start(), await hung.opened, { exitCode: 0 });
    const a = world.start('exec-a', input());
    await until(() => world.ecs.running().length === 1);
    // Aborted by hand: the execution is gone, its task is not.
    world.executions.get(a.arn)!.abort!();
    await a.done;
    world.behaviour = (call) => (call.start(), { exitCode: 0 });

    const b = await world.start('exec-b', input({}, '2026-11-23T04:00:00Z')).done;
    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('StopHolderWork', 'exec-b')[0]!.input).toMatchObject({ executionArn: a.arn });
    expect(world.ecs.running()).toEqual([]);
    const [orphan, fresh] = [...world.ecs.tasks.keys()];
    expect(world.ecs.timeline.indexOf(`STOPPED ${orphan}`)).toBeLessThan(
      world.ecs.timeline.findIndex((t) => t.startsWith(`RunTask ${fresh}`)),
    );
    expect(world.records.find((r) => r.executionArn === executionArn('exec-b'))?.status).toBe('Succeeded');
  });

  it('a holder waiting for a redrive (PENDING_REDRIVE) is alive: forbid skips', async () => {
    const world = newWorld();
    world.addExecution('exec-a', 'PENDING_REDRIVE');
    world.table.items.set('LEASE#nightly-report|LEASE', {
      pk: 'LEASE#nightly-report',
      sk: 'LEASE',
      holder: executionArn('exec-a'),
      slot: 'x',
      acquiredAt: 'x',
      expiresAt: 0,
    });
    expect((await world.start('exec-b', input()).done).status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(0);
    expect(world.records[0]!.status).toBe('Skipped');
  });
});

describe('redrive guard', () => {
  it('a redriven execution whose lease was taken over is stopped, not run beside the holder', async () => {
    const world = newWorld();
    const running = gate();
    world.behaviour = async (call) => (call.start(), await running.opened, { exitCode: 0 });
    world.addExecution('exec-old', 'ABORTED', input());
    const b = world.start('exec-b', input({}, '2026-11-23T04:00:00Z'));
    await until(() => world.callsTo('RunOnSpot', 'exec-b').length === 1);

    expect(await world.redrive('exec-old')).toBe('refused');
    expect(world.executions.get(executionArn('exec-old'))!.status).toBe('ABORTED');
    expect(world.lease()?.holder).toBe(b.arn);
    running.release();
    await b.done;
  });

  it('a redriven execution re-acquires a free lease and goes on holding it', async () => {
    const world = newWorld();
    world.addExecution('exec-old', 'ABORTED', input());
    expect(await world.redrive('exec-old')).toBe('re-acquired');
    expect(world.lease()?.holder).toBe(executionArn('exec-old'));
  });
});
