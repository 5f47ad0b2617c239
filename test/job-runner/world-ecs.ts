import { ACCOUNT, REGION } from './definition';

/** An error as a Task state sees it: `name` is what Retry/Catch match. */
export class StateError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** Asks IAM (the simulator over the synthesized policies) whether the runner may make a call. */
export type Authorizer = (request: {
  action: string;
  resource: string;
  context: Record<string, string>;
}) => boolean | Promise<boolean>;

export type RunTaskParams = {
  Cluster: string;
  TaskDefinition: string;
  CapacityProviderStrategy: { CapacityProvider: string }[];
  NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: string } };
  PropagateTags?: string;
};

/** How a task ends, as the scenario decides: exit code and ECS stop code. */
export interface TaskEnd {
  readonly exitCode?: number;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
}

export interface RunTaskCall {
  readonly params: RunTaskParams;
  readonly execution: string;
  readonly capacity: string;
  /** RunTask succeeded: the task exists (and is in the execution's history) from now on. */
  start(): string;
}

/** The scenario's ECS: throw a StateError for an API failure, or start the task and say how it ends. */
export type EcsBehaviour = (call: RunTaskCall) => TaskEnd | Promise<TaskEnd>;

interface Task {
  readonly arn: string;
  readonly execution: string;
  readonly family: string;
  readonly capacity: string;
  lastStatus: 'RUNNING' | 'DEACTIVATING' | 'STOPPED';
  stopCode?: string;
  /** Polls of DescribeTasks still needed before a stopping task reports STOPPED. */
  stopPolls: number;
  stoppedBy?: string;
  onStopped: () => void;
  stopped: Promise<void>;
}

/** ECS, as the runner and its tasks Lambda call it, with its contract enforced. */
export class WorldEcs {
  readonly clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/sandbox-jobs`;
  readonly tasks = new Map<string, Task>();
  /** The order things happened in: RunTask, StopTask, STOPPED, per task. */
  readonly timeline: string[] = [];
  behaviour: EcsBehaviour = (call) => (call.start(), { exitCode: 0 });
  /** DescribeTasks polls a stopping task takes to reach STOPPED (its stop timeout). */
  stopPolls = 0;
  private seq = 0;

  constructor(
    private readonly authorize: Authorizer,
    private readonly violations: string[],
  ) {}

  submitted(executionArn: string): string[] {
    const name = executionArn.split(':').pop();
    return [...this.tasks.values()].filter((t) => t.execution === name).map((t) => t.arn);
  }

  running(): Task[] {
    return [...this.tasks.values()].filter((t) => t.lastStatus !== 'STOPPED');
  }

  async runTask(params: RunTaskParams, execution: string) {
    if (params.Cluster !== this.clusterArn) this.violations.push(`RunTask on ${params.Cluster}`);
    const family = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${params.TaskDefinition}:1`;
    if (
      !(await this.authorize({
        action: 'ecs:RunTask',
        resource: family,
        context: { 'ecs:cluster': params.Cluster },
      }))
    ) {
      throw new StateError(
        'ECS.AccessDeniedException',
        `not authorized to perform: ecs:RunTask on ${family}`,
      );
    }
    const capacity = params.CapacityProviderStrategy[0]!.CapacityProvider;
    let task: Task | undefined;
    const pendingArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/sandbox-jobs/task${++this.seq}`;
    // Tags propagated from the task definition are applied at creation: ECS authorizes them too.
    if (
      params.PropagateTags &&
      !(await this.authorize({
        action: 'ecs:TagResource',
        resource: pendingArn,
        context: { 'ecs:CreateAction': 'RunTask' },
      }))
    ) {
      throw new StateError(
        'ECS.AccessDeniedException',
        `not authorized to perform: ecs:TagResource on ${pendingArn}`,
      );
    }
    const end = await Promise.race([
      this.behaviour({
        params,
        execution,
        capacity,
        start: () => {
          task = this.create(pendingArn, execution, params.TaskDefinition, capacity);
          return task.arn;
        },
      }),
      // Stopped from outside (timeout clean-up, replace, console) while the scenario's task runs.
      new Promise<TaskEnd>((resolve) => {
        const wait = () =>
          task
            ? void task.stopped.then(() => resolve({ exitCode: 143, stopCode: 'UserInitiated' }))
            : setTimeout(wait, 1);
        wait();
      }),
    ]);
    if (!task) throw new Error(`scenario ended RunTask for ${execution} without starting a task`);
    this.finish(task, end.stopCode ?? 'EssentialContainerExited');
    const described = {
      TaskArn: task.arn,
      LastStatus: 'STOPPED',
      StopCode: task.stopCode,
      StoppedReason:
        end.stoppedReason ??
        (task.stoppedBy ? `Task stopped by user: ${task.stoppedBy}` : 'Essential container in task exited'),
      Containers: [{ Name: 'job', ...(end.exitCode === undefined ? {} : { ExitCode: end.exitCode }) }],
    };
    // runTask.sync succeeds only when the essential container exits 0.
    if (end.exitCode === 0) return described;
    throw new StateError('States.TaskFailed', JSON.stringify(described));
  }

  describe(p: { cluster: string; tasks: string[] }) {
    if (p.cluster !== this.clusterArn) this.violations.push(`DescribeTasks on ${p.cluster}`);
    const found = p.tasks.map((arn) => this.tasks.get(arn)).filter((t): t is Task => t !== undefined);
    for (const task of found) {
      if (task.lastStatus === 'DEACTIVATING' && task.stopPolls-- <= 0) this.finish(task, 'UserInitiated');
    }
    return { tasks: found.map((t) => ({ taskArn: t.arn, lastStatus: t.lastStatus })), failures: [] };
  }

  stop(p: { cluster: string; task: string; reason: string }) {
    if (p.cluster !== this.clusterArn) this.violations.push(`StopTask on ${p.cluster}`);
    const task = this.tasks.get(p.task);
    if (!task) throw new StateError('ECS.InvalidParameterException', 'The referenced task was not found.');
    this.timeline.push(`StopTask ${task.arn}`);
    if (task.lastStatus === 'RUNNING') {
      task.lastStatus = 'DEACTIVATING';
      task.stoppedBy = p.reason;
      task.stopPolls = this.stopPolls;
      if (this.stopPolls === 0) this.finish(task, 'UserInitiated');
    }
    return { task: { taskArn: task.arn, lastStatus: task.lastStatus } };
  }

  private create(arn: string, execution: string, family: string, capacity: string): Task {
    let onStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (onStopped = resolve));
    const task: Task = {
      arn,
      execution,
      family,
      capacity,
      lastStatus: 'RUNNING',
      stopPolls: 0,
      onStopped,
      stopped,
    };
    this.tasks.set(arn, task);
    this.timeline.push(`RunTask ${arn} (${execution}, ${capacity})`);
    return task;
  }

  private finish(task: Task, stopCode: string) {
    if (task.lastStatus === 'STOPPED') return;
    task.lastStatus = 'STOPPED';
    task.stopCode = task.stoppedBy ? 'UserInitiated' : stopCode;
    this.timeline.push(`STOPPED ${task.arn}`);
    task.onStopped();
  }
}
