import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { recordRun, recorderEventSchema, type RunRecord } from '../../lambda/job-recorder/record';
import type { JobRunnerInput } from '../../lib/schedule/runner-input';
import { ACCOUNT, REGION } from './definition';

/** An error as a Task state sees it: `name` is what Retry/Catch match. */
export class StateError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** What runTask.sync raises when ECS stops the task unsuccessfully: the task, as JSON. */
export function stoppedTask(
  taskArn: string,
  stopCode: string,
  exitCode?: number,
  reason = 'Essential container in task exited',
) {
  return new StateError(
    'States.TaskFailed',
    JSON.stringify({
      TaskArn: taskArn,
      StopCode: stopCode,
      StoppedReason: reason,
      Containers: [{ ExitCode: exitCode }],
    }),
  );
}

export type RunTaskParams = {
  TaskDefinition: string;
  StartedBy: string;
  CapacityProviderStrategy: { CapacityProvider: string }[];
  NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: string } };
};
/** How ECS behaves in a scenario: resolve with the stopped task, or throw a StateError. */
export type EcsBehaviour = (params: RunTaskParams, world: World) => StoppedTask | Promise<StoppedTask>;
type StoppedTask = { taskArn: string; exitCode: number };

interface Lease {
  holder: string;
  slot: string;
  acquiredAt: string;
  expiresAt: number;
}

interface Execution {
  readonly arn: string;
  readonly name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  abort?: () => void;
}

/**
 * AWS as the job runner sees it, in memory: the lease table with the conditional-write
 * semantics of lambda/job-lease, ECS tasks started by each execution, the run records
 * written by the real recorder module, and the event bus.
 */
export class World {
  readonly calls: { state: string; execution: string; input: unknown }[] = [];
  readonly events: { detailType: string; detail: Record<string, unknown> }[] = [];
  readonly records: RunRecord[] = [];
  readonly leases = new Map<string, Lease>();
  readonly slots = new Map<string, string>();
  readonly executions = new Map<string, Execution>();
  readonly tasks = new Map<string, { startedBy: string; capacity: string; stopped: boolean }>();
  ecs: EcsBehaviour = (params, world) => ({ taskArn: world.startTask(params), exitCode: 0 });
  failPutEvents = false;
  now = new Date('2026-11-23T03:00:00Z');
  private taskSeq = 0;
  private readonly ddbMock = mockClient(DynamoDBDocumentClient);
  private readonly ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION }));

  constructor(private readonly definition: Record<string, unknown>) {
    this.ddbMock.on(PutCommand).callsFake((input: { Item: RunRecord }) => {
      this.records.push(input.Item);
      return {};
    });
  }

  /** Registers a task as ECS would and returns its ARN. */
  startTask(params: RunTaskParams): string {
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/sandbox-jobs/task${++this.taskSeq}`;
    this.tasks.set(arn, {
      startedBy: params.StartedBy,
      capacity: params.CapacityProviderStrategy[0]!.CapacityProvider,
      stopped: false,
    });
    return arn;
  }

  callsTo(state: string, execution?: string) {
    return this.calls.filter((c) => c.state === state && (!execution || c.execution === execution));
  }

  /** Starts an execution of the real definition; resolves with its end state. */
  start(name: string, input: JobRunnerInput) {
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:sandbox-job-runner:${name}`;
    const execution: Execution = { arn, name, status: 'RUNNING' };
    this.executions.set(arn, execution);
    const machine = new StateMachine(this.definition as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    const handler =
      (state: string, fn: (input: never) => unknown) =>
      async (input: unknown): Promise<never> => {
        this.calls.push({ state, execution: name, input });
        return (await fn(input as never)) as never;
      };
    const run = machine.run(input as never, {
      context: {
        Execution: { Id: arn, Name: name, StartTime: this.now.toISOString(), Input: input as never },
        State: { EnteredTime: new Date(this.now.getTime() + 60_000).toISOString(), Name: 'state' },
        StateMachine: { Id: 'sandbox-job-runner', Name: 'sandbox-job-runner' },
      },
      overrides: {
        taskResourceLocalHandlers: {
          AcquireLease: handler('AcquireLease', (e) => this.acquire(e)),
          TakeOverLease: handler('TakeOverLease', (e) => this.takeOver(e)),
          RunOnSpot: handler('RunOnSpot', (p: RunTaskParams) => this.runTask(p)),
          RunOnDemand: handler('RunOnDemand', (p: RunTaskParams) => this.runTask(p)),
          FindTimedOutTasks: handler('FindTimedOutTasks', (p) => this.listTasks(p)),
          StopTimedOutTasksTask: handler('StopTimedOutTasksTask', (p) => this.stopTask(p)),
          FindPreviousTasks: handler('FindPreviousTasks', (p) => this.listTasks(p)),
          StopPreviousTasksTask: handler('StopPreviousTasksTask', (p) => this.stopTask(p)),
          StopPreviousExecution: handler('StopPreviousExecution', (p) => this.stopExecution(p)),
          RecordRun: handler('RecordRun', (p) => this.record(p)),
          PublishOutcome: handler('PublishOutcome', (p) => this.putEvents(p)),
          PublishFallback: handler('PublishFallback', (p) => this.putEvents(p)),
          ReleaseLease: handler('ReleaseLease', (p) => this.release(p)),
        },
        retryIntervalOverrides: {
          RunOnSpot: 0,
          RunOnDemand: 0,
          RecordRun: 0,
          PublishOutcome: 0,
          ReleaseLease: 0,
          StopTimedOutTasksTask: 0,
          StopPreviousTasksTask: 0,
        },
      },
    });
    execution.abort = () => run.abort();
    const done = run.result.then(
      (output: unknown) => {
        execution.status = 'SUCCEEDED';
        return { status: 'SUCCEEDED' as const, output, error: undefined };
      },
      (error: Error) => {
        const aborted = error.name === 'ExecutionAbortedError';
        execution.status = aborted ? 'ABORTED' : 'FAILED';
        // A Fail state surfaces as ExecutionError whose cause carries the Fail state's error name.
        const cause = error.cause as Error | undefined;
        return {
          status: execution.status,
          output: undefined,
          error: aborted ? 'Aborted' : (cause?.name ?? error.name),
          cause: cause?.message,
        };
      },
    );
    return { arn, name, done };
  }

  // --- lease: the semantics of lambda/job-lease ------------------------------------------------
  private acquire(e: {
    job: string;
    slot: string;
    executionArn: string;
    concurrency: string;
    leaseSeconds: number;
  }) {
    const slotKey = `${e.job}#${e.slot}`;
    const claimedBy = this.slots.get(slotKey);
    if (claimedBy && claimedBy !== e.executionArn) return { decision: 'duplicate', slot: e.slot };
    this.slots.set(slotKey, e.executionArn);
    if (e.concurrency === 'allow') return { decision: 'run' };
    const lease = this.leases.get(e.job);
    const nowSeconds = this.now.getTime() / 1000;
    if (
      !lease ||
      lease.expiresAt < nowSeconds ||
      lease.holder === e.executionArn ||
      this.executions.get(lease.holder)?.status !== 'RUNNING'
    ) {
      this.leases.set(e.job, {
        holder: e.executionArn,
        slot: e.slot,
        acquiredAt: this.now.toISOString(),
        expiresAt: nowSeconds + e.leaseSeconds,
      });
      return { decision: 'run' };
    }
    const holder = { executionArn: lease.holder, slot: lease.slot, acquiredAt: lease.acquiredAt };
    return { decision: e.concurrency === 'replace' ? 'replace' : 'skip', holder };
  }

  private takeOver(e: {
    job: string;
    slot: string;
    executionArn: string;
    previousExecutionArn: string;
    leaseSeconds: number;
  }) {
    const lease = this.leases.get(e.job);
    if (lease && lease.holder !== e.previousExecutionArn) {
      return {
        decision: 'skip',
        holder: { executionArn: lease.holder, slot: lease.slot, acquiredAt: lease.acquiredAt },
      };
    }
    this.leases.set(e.job, {
      holder: e.executionArn,
      slot: e.slot,
      acquiredAt: this.now.toISOString(),
      expiresAt: this.now.getTime() / 1000 + e.leaseSeconds,
    });
    return { decision: 'run' };
  }

  private release(p: { Key: { pk: { S: string } }; ExpressionAttributeValues: { ':me': { S: string } } }) {
    const job = p.Key.pk.S.replace(/^LEASE#/, '');
    if (this.leases.get(job)?.holder !== p.ExpressionAttributeValues[':me'].S) {
      throw new StateError('DynamoDB.ConditionalCheckFailedException', 'The conditional request failed');
    }
    this.leases.delete(job);
    return {};
  }

  // --- ECS and Step Functions --------------------------------------------------------------
  private async runTask(params: RunTaskParams) {
    const { taskArn, exitCode } = await this.ecs(params, this);
    // What runTask.sync returns: the stopped task as DescribeTasks describes it.
    return { TaskArn: taskArn, Containers: [{ ExitCode: exitCode }], StopCode: 'EssentialContainerExited' };
  }

  private listTasks(p: { StartedBy: string }) {
    const arns = [...this.tasks]
      .filter(([, t]) => t.startedBy === p.StartedBy && !t.stopped)
      .map(([arn]) => arn);
    return { TaskArns: arns };
  }

  private stopTask(p: { Task: string }) {
    const task = this.tasks.get(p.Task);
    if (task) task.stopped = true;
    return {};
  }

  private stopExecution(p: { ExecutionArn: string }) {
    const execution = this.executions.get(p.ExecutionArn);
    if (!execution || execution.status !== 'RUNNING')
      throw new StateError('Sfn.ExecutionDoesNotExistException', 'not running');
    execution.abort?.();
    execution.status = 'ABORTED';
    return {};
  }

  // --- recording and events ------------------------------------------------------------------
  private async record(payload: unknown) {
    const event = recorderEventSchema.parse(payload);
    return recordRun(event, {
      ddb: this.ddb,
      tableName: 'sandbox-batch-jobs',
      environment: 'sandbox',
      now: () => this.now,
    });
  }

  private putEvents(p: { Entries: { DetailType: string; Detail: string | Record<string, unknown> }[] }) {
    if (this.failPutEvents) throw new StateError('EventBridge.EventBridgeException', 'Service unavailable');
    for (const entry of p.Entries) {
      const detail =
        typeof entry.Detail === 'string'
          ? (JSON.parse(entry.Detail) as Record<string, unknown>)
          : entry.Detail;
      this.events.push({ detailType: entry.DetailType, detail });
    }
    return { FailedEntryCount: 0, Entries: [{ EventId: 'e' }] };
  }

  restore(): void {
    this.ddbMock.restore();
  }
}
