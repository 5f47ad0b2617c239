import { DescribeTasksCommand, StopTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

export interface TasksDeps {
  readonly ecs: ECSClient;
  readonly sfn: SFNClient;
  /** The jobs cluster: the only cluster this function may act on. */
  readonly cluster: string;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

export interface StopResult {
  readonly tasks: readonly { readonly taskArn: string; readonly lastStatus: string }[];
  /** Every task of the execution is STOPPED (vacuously true when it started none). */
  readonly allStopped: boolean;
  /** The tasks this call asked ECS to stop: those not already STOPPED. */
  readonly stopRequested: readonly string[];
}

/** A Fargate task gets SIGTERM, then SIGKILL after its stop timeout (120 s at most). */
export const STOP_WAIT_MS = 150_000;
const POLL_MS = 5_000;
/** More history than one run of this workflow can write; bounds the pages read. */
const MAX_HISTORY_PAGES = 10;

/**
 * The ECS tasks an execution started, from its own history: `runTask.sync` sets the task's
 * `startedBy` itself, so `ListTasks` cannot find them, but every RunTask response is in the
 * execution's `TaskSubmitted` events.
 */
export async function tasksOf(executionArn: string, deps: Pick<TasksDeps, 'sfn'>): Promise<string[]> {
  const arns = new Set<string>();
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const history = await deps.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 1000,
        includeExecutionData: true,
        nextToken,
      }),
    );
    for (const event of history.events ?? []) for (const arn of submittedTasks(event)) arns.add(arn);
    nextToken = history.nextToken;
    if (!nextToken) break;
  }
  return [...arns];
}

function submittedTasks(event: HistoryEvent): string[] {
  const details = event.taskSubmittedEventDetails;
  if (event.type !== 'TaskSubmitted' || details?.resourceType !== 'ecs' || !details.output) return [];
  // The RunTask response, as the integration returns it (PascalCase keys; camelCase tolerated).
  const response = JSON.parse(details.output) as { Tasks?: TaskLike[]; tasks?: TaskLike[] };
  return (response.Tasks ?? response.tasks ?? []).map((t) => t.TaskArn ?? t.taskArn ?? '').filter(Boolean);
}
type TaskLike = { TaskArn?: string; taskArn?: string };

/**
 * Stops every task an execution started and waits until ECS reports them STOPPED, so the
 * caller can promise that nothing of that run is still working (timeout, replace, takeover).
 */
export async function stopExecutionTasks(
  executionArn: string,
  reason: string,
  deps: TasksDeps,
): Promise<StopResult> {
  const taskArns = await tasksOf(executionArn, deps);
  if (taskArns.length === 0) return { tasks: [], allStopped: true, stopRequested: [] };
  let tasks = await describe(taskArns, deps);
  const stopRequested = tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn);
  for (const task of stopRequested) {
    await deps.ecs.send(new StopTaskCommand({ cluster: deps.cluster, task, reason }));
  }
  const deadline = deps.now() + STOP_WAIT_MS;
  while (tasks.some((t) => t.lastStatus !== 'STOPPED') && deps.now() < deadline) {
    await deps.sleep(POLL_MS);
    tasks = await describe(taskArns, deps);
  }
  return { tasks, allStopped: tasks.every((t) => t.lastStatus === 'STOPPED'), stopRequested };
}

/**
 * The status of every task asked about. ECS forgets a task about an hour after it stops, so
 * MISSING means long gone. Any other failure (throttling, access), or no answer at all for a
 * task, leaves its state unknown: it counts as not stopped, so a caller never promises that
 * nothing of a run is still working on a guess.
 */
async function describe(taskArns: string[], deps: TasksDeps) {
  const { tasks = [], failures = [] } = await deps.ecs.send(
    new DescribeTasksCommand({ cluster: deps.cluster, tasks: taskArns }),
  );
  return taskArns.map((taskArn) => {
    const described = tasks.find((t) => t.taskArn === taskArn);
    if (described) return { taskArn, lastStatus: described.lastStatus ?? 'UNKNOWN' };
    const failure = failures.find((f) => f.arn === taskArn);
    if (failure?.reason === 'MISSING') return { taskArn, lastStatus: 'STOPPED' };
    return { taskArn, lastStatus: `UNKNOWN (${failure?.reason ?? 'not in the answer'})` };
  });
}
