import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledJobConfig } from '../../lib/config';
import { jobRunnerInput, type JobRunnerInput } from '../../lib/schedule/runner-input';
import { scheduledJob } from '../support/fixtures';
import { synthPlatform } from '../support/synth';
import { jobRunnerDefinition } from './definition';
import { StateError, World, stoppedTask } from './world';

// Each scenario runs the job runner's real synthesized definition in aws-local-stepfunctions,
// with its Task states answered by an in-memory AWS (./world.ts).

let definition: Record<string, unknown>;
let world: World;
beforeAll(() => {
  definition = jobRunnerDefinition(synthPlatform('sandbox').templates['JobRunner']!);
});
afterEach(() => world?.restore());

const input = (overrides: Partial<ScheduledJobConfig> = {}, slot = '2026-11-23T03:00:00Z'): JobRunnerInput =>
  jobRunnerInput('sandbox', scheduledJob(overrides), 'schedule', slot);

/** A task that keeps running until `release()` is called. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition not reached');
};

describe('job runner scenarios', () => {
  it('normal run: lease, one Spot task, record, JobSucceeded, lease released', async () => {
    world = new World(definition);
    const result = await world.start('exec-1', input()).done;

    expect(result.status).toBe('SUCCEEDED');
    expect(world.calls.map((c) => c.state)).toEqual([
      'AcquireLease',
      'RunOnSpot',
      'RecordRun',
      'PublishOutcome',
      'ReleaseLease',
    ]);
    const [run] = world.callsTo('RunOnSpot');
    expect(run!.input).toMatchObject({
      TaskDefinition: 'sandbox-job-nightly-report',
      StartedBy: 'exec-1',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
    expect(world.records).toHaveLength(1);
    expect(world.records[0]).toMatchObject({
      status: 'Succeeded',
      exitCode: 0,
      capacity: 'spot',
      attempts: 1,
      trigger: 'schedule',
    });
    expect(world.events.map((e) => e.detailType)).toEqual(['JobSucceeded']);
    expect(world.leases.size).toBe(0);
  });

  it('two starts for the same slot in the same second run exactly one task', async () => {
    world = new World(definition);
    const [a, b] = [world.start('exec-a', input()), world.start('exec-b', input())];
    const results = await Promise.all([a.done, b.done]);

    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
    expect(world.records).toHaveLength(1); // the duplicate delivery leaves no run record
    expect(world.events.map((e) => e.detailType)).toEqual(['JobSucceeded']);
  });

  it('overlap under forbid: the new run is skipped, recorded and reported once', async () => {
    world = new World(definition);
    const first = gate();
    world.ecs = async (params, w) => {
      const taskArn = w.startTask(params);
      await first.opened;
      return { taskArn, exitCode: 0 };
    };
    const a = world.start('exec-a', input({}, '2026-11-23T03:00:00Z'));
    await until(() => world.callsTo('RunOnSpot', 'exec-a').length === 1);
    const b = await world.start('exec-b', input({}, '2026-11-23T03:05:00Z')).done;
    first.release();
    await a.done;

    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot', 'exec-b')).toHaveLength(0);
    expect(world.callsTo('ReleaseLease', 'exec-b')).toHaveLength(0); // it never held the lease
    const skipped = world.records.filter((r) => r.status === 'Skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.reason).toContain('exec-a is still running');
    expect(world.events.filter((e) => e.detailType === 'JobSkipped')).toHaveLength(1);
    expect(world.records.find((r) => r.executionArn.endsWith('exec-a'))?.status).toBe('Succeeded');
  });

  it('overlap under replace: the running task and execution are stopped, then the new run runs', async () => {
    world = new World(definition);
    const never = gate();
    world.ecs = async (params, w) => {
      const taskArn = w.startTask(params);
      if (params.StartedBy === 'exec-a') await never.opened;
      return { taskArn, exitCode: 0 };
    };
    const a = world.start('exec-a', input({ concurrency: 'replace' }, '2026-11-23T03:00:00Z'));
    await until(() => world.callsTo('RunOnSpot', 'exec-a').length === 1);
    const b = await world.start('exec-b', input({ concurrency: 'replace' }, '2026-11-23T03:05:00Z')).done;

    expect((await a.done).status).toBe('ABORTED');
    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('StopPreviousExecution')[0]!.input).toMatchObject({ ExecutionArn: a.arn });
    expect(world.callsTo('FindPreviousTasks')[0]!.input).toMatchObject({ StartedBy: 'exec-a' });
    const [stopped] = [...world.tasks].filter(([, t]) => t.startedBy === 'exec-a');
    expect(world.callsTo('StopPreviousTasksTask')[0]!.input).toMatchObject({ Task: stopped![0] });
    expect(stopped![1].stopped).toBe(true);
    expect(world.callsTo('TakeOverLease', 'exec-b')).toHaveLength(1);
    expect(world.callsTo('RunOnSpot', 'exec-b')).toHaveLength(1);
    expect(world.leases.size).toBe(0);
  });

  it('overlap under allow: both runs run, and neither takes or releases a lease', async () => {
    world = new World(definition);
    const first = gate();
    world.ecs = async (params, w) => {
      const taskArn = w.startTask(params);
      if (params.StartedBy === 'exec-a') await first.opened;
      return { taskArn, exitCode: 0 };
    };
    const a = world.start('exec-a', input({ concurrency: 'allow' }, '2026-11-23T03:00:00Z'));
    await until(() => world.callsTo('RunOnSpot', 'exec-a').length === 1);
    const b = await world.start('exec-b', input({ concurrency: 'allow' }, '2026-11-23T03:05:00Z')).done;
    first.release();
    await a.done;

    expect(b.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(2);
    expect(world.callsTo('ReleaseLease')).toHaveLength(0);
    expect(world.records.map((r) => r.status)).toEqual(['Succeeded', 'Succeeded']);
  });

  it('a stale lease whose holder was aborted by hand is taken over, not waited out', async () => {
    world = new World(definition);
    world.executions.set('arn:old', { arn: 'arn:old', name: 'old', status: 'ABORTED' });
    world.leases.set('nightly-report', {
      holder: 'arn:old',
      slot: 'x',
      acquiredAt: 'x',
      expiresAt: world.now.getTime() / 1000 + 3600,
    });
    const result = await world.start('exec-1', input()).done;

    expect(result.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
    expect(world.records[0]!.status).toBe('Succeeded');
  });

  it('Spot capacity errors, then success, stays on Spot', async () => {
    world = new World(definition);
    let attempts = 0;
    world.ecs = (params, w) => {
      if (++attempts <= 2) throw new StateError('AmazonECS.Unknown', 'Capacity is unavailable at this time');
      return { taskArn: w.startTask(params), exitCode: 0 };
    };
    const result = await world.start('exec-1', input()).done;

    expect(result.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(3);
    expect(world.callsTo('RunOnDemand')).toHaveLength(0);
    expect(world.records[0]).toMatchObject({ capacity: 'spot', fellBackToOnDemand: false });
  });

  it('Spot capacity exhausted: falls back to on-demand and says so', async () => {
    world = new World(definition);
    world.ecs = (params, w) => {
      if (params.CapacityProviderStrategy[0]!.CapacityProvider === 'FARGATE_SPOT') {
        throw new StateError('ECS.AmazonECSException', 'No Spot capacity');
      }
      return { taskArn: w.startTask(params), exitCode: 0 };
    };
    const result = await world.start('exec-1', input()).done;

    expect(result.status).toBe('SUCCEEDED');
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
    world = new World(definition);
    world.ecs = (params, w) => {
      const taskArn = w.startTask(params);
      if (params.CapacityProviderStrategy[0]!.CapacityProvider === 'FARGATE_SPOT') {
        throw stoppedTask(taskArn, 'SpotInterruption', 143, 'Your Spot Task was interrupted.');
      }
      return { taskArn, exitCode: 0 };
    };
    const result = await world.start('exec-1', input({ retries: 0 })).done;

    expect(result.status).toBe('SUCCEEDED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
    expect(world.callsTo('RunOnDemand')).toHaveLength(1);
    expect(world.events.map((e) => e.detailType)).toEqual(['JobFellBackToOnDemand', 'JobSucceeded']);
    expect(world.records[0]).toMatchObject({ status: 'Succeeded', attempts: 1, fellBackToOnDemand: true });
  });

  it('exit code 1 with retries: 2 runs three times, then fails the execution', async () => {
    world = new World(definition);
    world.ecs = (params, w) => {
      throw stoppedTask(w.startTask(params), 'EssentialContainerExited', 1);
    };
    const result = await world.start('exec-1', input({ retries: 2 })).done;

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('JobFailed');
    expect(world.callsTo('RunOnSpot')).toHaveLength(3);
    expect(world.callsTo('RunOnDemand')).toHaveLength(0);
    expect(world.records[0]).toMatchObject({ status: 'Failed', exitCode: 1, attempts: 3 });
    expect(world.events.map((e) => e.detailType)).toEqual(['JobFailed']);
    expect(world.leases.size).toBe(0);
  });

  it('exit code 1 without retries fails after one run', async () => {
    world = new World(definition);
    world.ecs = (params, w) => {
      throw stoppedTask(w.startTask(params), 'EssentialContainerExited', 1);
    };
    const result = await world.start('exec-1', input()).done;
    expect(result.status).toBe('FAILED');
    expect(world.callsTo('RunOnSpot')).toHaveLength(1);
  });

  it('timeout: the task is stopped explicitly, the run recorded as timed out', async () => {
    world = new World(definition);
    world.ecs = async (params, w) => {
      w.startTask(params);
      return new Promise(() => undefined); // the job hangs
    };
    const result = await world.start('exec-1', input({ timeoutSeconds: 1 })).done;

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('JobTimedOut');
    expect(world.callsTo('FindTimedOutTasks')[0]!.input).toMatchObject({ StartedBy: 'exec-1' });
    const [taskArn] = [...world.tasks.keys()];
    expect(world.callsTo('StopTimedOutTasksTask').map((c) => c.input)).toEqual([
      expect.objectContaining({ Task: taskArn, Reason: 'Job timeout reached' }),
    ]);
    expect(world.tasks.get(taskArn!)!.stopped).toBe(true);
    expect(world.records[0]).toMatchObject({ status: 'TimedOut' });
    expect(world.events.map((e) => e.detailType)).toEqual(['JobTimedOut']);
    expect(world.leases.size).toBe(0);
  });

  it('a failing event bus put does not change the job outcome, and the lease is still released', async () => {
    world = new World(definition);
    world.failPutEvents = true;
    const result = await world.start('exec-1', input()).done;

    expect(result.status).toBe('SUCCEEDED');
    expect(world.callsTo('PublishOutcome').length).toBeGreaterThanOrEqual(1);
    expect(world.records[0]!.status).toBe('Succeeded');
    expect(world.callsTo('ReleaseLease')).toHaveLength(1);
    expect(world.leases.size).toBe(0);
  });
});
