import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { handle as leaseHandle } from '../../lambda/job-lease/handler';
import { handle as finishHandle } from '../../lambda/job-recorder/handler';
import type { RunRecord } from '../../lambda/job-recorder/record';
import { handle as tasksHandle } from '../../lambda/job-tasks/handler';
import { parameterProblems } from '../contract/integrations';
import { ACCOUNT, REGION } from './definition';
import { FakeTable } from './fake-table';
import { WorldEcs, type EcsBehaviour, type Authorizer } from './world-ecs';

export { StateError, type EcsBehaviour, type Authorizer } from './world-ecs';

const STATE_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:sandbox-job-runner`;
export const executionArn = (name: string) =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:sandbox-job-runner:${name}`;

interface Execution {
  readonly arn: string;
  readonly name: string;
  readonly input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'PENDING_REDRIVE';
  abort?: () => void;
}

/**
 * AWS as the job runner sees it, in memory, running the runner's REAL Lambda code (lease,
 * recorder, tasks) against fakes that keep AWS's contract: a DynamoDB that evaluates
 * conditions and transactions, ECS that rejects parameters Step Functions does not pass and
 * asks an IAM authorizer before it acts, and Step Functions' own history and StopExecution.
 */

const interpreters = new Map<string, StateMachine>();

/**
 * One interpreter per definition, shared by every execution (each run keeps its own state).
 * Constructing one validates the definition with asl-validator, which compiles the ASL
 * schema anew each time: ~130 ms, which was half the cost of every scenario.
 */
function interpreterFor(definition: unknown): StateMachine {
  const key = JSON.stringify(definition);
  let machine = interpreters.get(key);
  if (!machine) {
    machine = new StateMachine(definition as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    interpreters.set(key, machine);
  }
  return machine;
}

export class World {
  readonly calls: { state: string; execution: string; input: unknown }[] = [];
  readonly events: { detailType: string; detail: Record<string, unknown> }[] = [];
  readonly table = new FakeTable();
  readonly executions = new Map<string, Execution>();
  /** States entered, per execution name: each one is a billed state transition. */
  readonly transitions = new Map<string, string[]>();
  /** Calls AWS would have rejected; every scenario asserts this stays empty. */
  readonly violations: string[] = [];
  readonly ecs: WorldEcs;
  /** The event bus refuses every put. */
  failPutEvents = false;
  /** Only the recorder's puts fail (its SDK client), the runner's own integration still works. */
  failRecorderPutEvents = false;
  failStopExecution = false;
  now = new Date('2026-11-23T03:00:00Z');
  private readonly mocks = [
    mockClient(DynamoDBDocumentClient),
    mockClient(SFNClient),
    mockClient(ECSClient),
    mockClient(EventBridgeClient),
  ] as const;
  private readonly clients = {
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION })),
    sfn: new SFNClient({ region: REGION }),
    ecs: new ECSClient({ region: REGION }),
    events: new EventBridgeClient({ region: REGION }),
  };

  constructor(
    private readonly definition: Record<string, unknown>,
    authorize: Authorizer,
  ) {
    this.ecs = new WorldEcs(authorize, this.violations);
    const [ddb, sfn, ecs, events] = this.mocks;
    ddb
      .on(TransactWriteCommand)
      .callsFake((i: { TransactItems: Parameters<FakeTable['transact']>[0] }) =>
        this.table.transact(i.TransactItems),
      );
    ddb.on(PutCommand).callsFake((i: Parameters<FakeTable['put']>[0]) => this.table.put(i));
    ddb.on(DeleteCommand).callsFake((i: Parameters<FakeTable['delete']>[0]) => this.table.delete(i));
    sfn.on(DescribeExecutionCommand).callsFake(({ executionArn: arn }: { executionArn: string }) => {
      const execution = this.executions.get(arn);
      if (!execution) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
      return { status: execution.status };
    });
    sfn
      .on(StopExecutionCommand)
      .callsFake((p: { executionArn: string }) => this.stopExecution(p.executionArn));
    sfn.on(GetExecutionHistoryCommand).callsFake(({ executionArn: arn }: { executionArn: string }) => ({
      events: this.ecs.submitted(arn).map((taskArn, id) => ({
        id,
        type: 'TaskSubmitted',
        timestamp: this.now,
        taskSubmittedEventDetails: {
          resourceType: 'ecs',
          resource: 'runTask.sync',
          output: JSON.stringify({ Tasks: [{ TaskArn: taskArn }], Failures: [] }),
        },
      })),
    }));
    ecs.on(DescribeTasksCommand).callsFake((p: { cluster: string; tasks: string[] }) => this.ecs.describe(p));
    ecs
      .on(StopTaskCommand)
      .callsFake((p: { cluster: string; task: string; reason: string }) => this.ecs.stop(p));
    events.on(PutEventsCommand).callsFake((p: { Entries: { DetailType: string; Detail: string }[] }) => {
      if (this.failRecorderPutEvents)
        throw Object.assign(new Error('Service unavailable'), { name: 'InternalException' });
      return this.putEvents(p.Entries);
    });
  }

  callsTo(state: string, execution?: string) {
    return this.calls.filter((c) => c.state === state && (!execution || c.execution === execution));
  }

  set behaviour(behaviour: EcsBehaviour) {
    this.ecs.behaviour = behaviour;
  }

  lease(job = 'nightly-report') {
    return this.table.get(`LEASE#${job}`, 'LEASE') as { holder: string; expiresAt: number } | undefined;
  }

  get records(): RunRecord[] {
    return [...this.table.items.values()].filter((i) => String(i['pk']).startsWith('RUN#')) as never;
  }

  /** Starts an execution of the real definition; `done` resolves with its end. */
  start(name: string, input: unknown) {
    const arn = executionArn(name);
    const execution: Execution = { arn, name, input, status: 'RUNNING' };
    this.executions.set(arn, execution);
    const entered: string[] = [];
    this.transitions.set(name, entered);
    const machine = interpreterFor(this.definition);
    const on =
      (state: string, fn: (input: never) => unknown) =>
      async (payload: unknown): Promise<never> => {
        this.calls.push({ state, execution: name, input: payload });
        return (await fn(payload as never)) as never;
      };
    const leaseDeps = {
      ddb: this.clients.ddb,
      sfn: this.clients.sfn,
      tableName: 'sandbox-batch-jobs',
      now: () => this.now,
    };
    const finishDeps = {
      ...leaseDeps,
      events: this.clients.events,
      eventBusName: 'sandbox-batch-jobs',
      environment: 'sandbox',
      warn: () => undefined,
      emit: () => undefined,
    };
    const tasksDeps = {
      ecs: this.clients.ecs,
      sfn: this.clients.sfn,
      cluster: this.ecs.clusterArn,
      sleep: () => Promise.resolve(),
      now: () => this.now.getTime(),
    };
    const contract = (resource: string, fn: (p: never) => unknown) => (p: Record<string, unknown>) => {
      // `job` is only the interpreter's copy of the timeout (see forInterpreter in ./definition).
      const { job: _timeoutCopy, ...sent } = p;
      this.violations.push(...parameterProblems(resource, sent));
      return fn(p as never);
    };
    const handlers = {
      Begin: (e: unknown) => leaseHandle(e, leaseDeps),
      TakeOver: (e: unknown) => leaseHandle(e, leaseDeps),
      Finish: (e: unknown) => finishHandle(e, finishDeps),
      StopTimedOutTask: (e: unknown) => tasksHandle(e, tasksDeps),
      StopHolderWork: (e: unknown) => tasksHandle(e, tasksDeps),
      RunOnSpot: contract('arn:aws:states:::ecs:runTask.sync', (p) => this.ecs.runTask(p, name)),
      RunOnDemand: contract('arn:aws:states:::ecs:runTask.sync', (p) => this.ecs.runTask(p, name)),
      StopPreviousExecution: contract(
        'arn:aws:states:::aws-sdk:sfn:stopExecution',
        (p: { ExecutionArn: string }) => this.stopExecution(p.ExecutionArn),
      ),
      PublishOutcome: contract('arn:aws:states:::events:putEvents', (p: { Entries: never[] }) =>
        this.putEvents(p.Entries),
      ),
      PublishFallback: contract('arn:aws:states:::events:putEvents', (p: { Entries: never[] }) =>
        this.putEvents(p.Entries),
      ),
      PublishNotStarted: contract('arn:aws:states:::events:putEvents', (p: { Entries: never[] }) =>
        this.putEvents(p.Entries),
      ),
      ReleaseLease: contract('arn:aws:states:::dynamodb:deleteItem', (p: WireDelete) => this.releaseLease(p)),
    };
    const run = machine.run(input as never, {
      context: {
        Execution: { Id: arn, Name: name, StartTime: this.now.toISOString(), Input: input as never },
        State: { EnteredTime: new Date(this.now.getTime() + 60_000).toISOString(), Name: 'state' },
        StateMachine: { Id: STATE_MACHINE, Name: 'sandbox-job-runner' },
      },
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          Object.entries(handlers).map(([state, fn]) => [state, on(state, fn as never)]),
        ),
        retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((state) => [state, 0])),
      },
    });
    void (async () => {
      for await (const event of run.eventLogs)
        if (event.type === 'StateEntered') entered.push(event.state.name);
    })();
    execution.abort = () => run.abort();
    const done = run.result.then(
      (output: unknown) => {
        execution.status = 'SUCCEEDED';
        return { status: 'SUCCEEDED' as const, output, error: undefined, cause: undefined };
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

  /** What EventBridge delivers to the lease Lambda when an execution is redriven. */
  redrive(name: string) {
    const execution = this.executions.get(executionArn(name));
    if (!execution) throw new Error(`no execution ${name}`);
    execution.status = 'RUNNING';
    return leaseHandle(
      {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: execution.arn,
          input: JSON.stringify(execution.input),
          redriveCount: 1,
          status: 'RUNNING',
        },
      },
      { ddb: this.clients.ddb, sfn: this.clients.sfn, tableName: 'sandbox-batch-jobs', now: () => this.now },
    );
  }

  /** An execution that ended some other way (aborted by hand, before this scenario). */
  addExecution(name: string, status: Execution['status'], input: unknown = {}) {
    this.executions.set(executionArn(name), { arn: executionArn(name), name, input, status });
  }

  private stopExecution(arn: string) {
    if (this.failStopExecution) throw Object.assign(new Error('Rate exceeded'), { name: 'Sfn.SfnException' });
    const execution = this.executions.get(arn);
    if (!execution) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
    if (execution.status === 'RUNNING') {
      execution.abort?.();
      execution.status = 'ABORTED';
    }
    return {};
  }

  private releaseLease(p: WireDelete) {
    this.table.delete({
      Key: { pk: p.Key.pk.S, sk: p.Key.sk.S },
      ConditionExpression: p.ConditionExpression,
      ExpressionAttributeValues: { ':me': p.ExpressionAttributeValues[':me'].S },
    });
    return {};
  }

  private putEvents(entries: { DetailType: string; Detail: string | Record<string, unknown> }[]) {
    if (this.failPutEvents)
      throw Object.assign(new Error('Service unavailable'), { name: 'EventBridge.EventBridgeException' });
    for (const entry of entries) {
      const detail =
        typeof entry.Detail === 'string'
          ? (JSON.parse(entry.Detail) as Record<string, unknown>)
          : entry.Detail;
      this.events.push({ detailType: entry.DetailType, detail });
    }
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'e' })) };
  }

  restore(): void {
    for (const mock of this.mocks) mock.restore();
  }
}

type WireDelete = {
  Key: { pk: { S: string }; sk: { S: string } };
  ConditionExpression: string;
  ExpressionAttributeValues: { ':me': { S: string } };
};
