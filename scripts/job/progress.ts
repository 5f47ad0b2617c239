import { DescribeTasksCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

/** How a started run is getting on, as `run` shows it while it waits. */
export interface ProgressDeps {
  readonly sfn: SFNClient;
  /** For the task's own status (PROVISIONING, PENDING, RUNNING), which the history does not carry. */
  readonly ecs?: ECSClient;
  readonly cluster: string;
}

const DECISIONS: Record<string, string> = {
  run: 'slot claimed, lease taken',
  duplicate: 'this slot was already claimed by another start: nothing to do',
  skip: 'a previous run still holds the job: this one is skipped',
  paused: 'the job is paused: this run is skipped',
  replace: 'a previous run holds the job: stopping it first (concurrency replace)',
  orphaned: 'the previous holder is gone: stopping what it left running first',
};

/** The runner's states this reads by name; a test checks each is in the synthesized definition. */
export const PROGRESS_STATES = [
  'Decide',
  'RunOnSpot',
  'RunOnDemand',
  'CountRetry',
  'FallBackAfterCapacityErrors',
  'FallBackAfterInterruption',
] as const;

const FALLBACKS: Record<string, string> = {
  FallBackAfterCapacityErrors: 'no Spot capacity: falling back to on-demand Fargate',
  FallBackAfterInterruption: 'the Spot task was interrupted: running again on on-demand Fargate',
};

/**
 * Reads the execution's history as it grows and turns the runner's milestones into lines: the
 * lease decision, each attempt and its capacity, the task's status, a fallback, a retry.
 * Each call returns only what is new since the last.
 */
export class RunProgress {
  private seen = 0;
  /** Application retries so far; a fallback to on-demand is not one. */
  private retried = 0;
  private readonly attempts: number;
  private task: { arn: string; status?: string } | undefined;

  constructor(
    private readonly executionArn: string,
    retries: number,
    private readonly deps: ProgressDeps,
  ) {
    this.attempts = retries + 1;
  }

  async poll(): Promise<string[]> {
    const lines: string[] = [];
    for (const event of await this.newEvents()) lines.push(...this.describe(event));
    if (this.task && this.deps.ecs) {
      const described = await this.deps.ecs.send(
        new DescribeTasksCommand({ cluster: this.deps.cluster, tasks: [this.task.arn] }),
      );
      const status = described?.tasks?.[0]?.lastStatus;
      if (status && status !== this.task.status) {
        this.task.status = status;
        lines.push(`task ${taskId(this.task.arn)} is ${status}`);
      }
    }
    return lines;
  }

  /** History events not seen yet, oldest first. */
  private async newEvents(): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    // Read from the start each time, skipping what was seen: a page token of an execution
    // still being written is not a cursor to the events that come later.
    let token: string | undefined;
    let index = 0;
    do {
      const page = await this.deps.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: this.executionArn,
          includeExecutionData: true,
          maxResults: 1000,
          nextToken: token,
        }),
      );
      for (const event of page?.events ?? []) {
        if (index++ >= this.seen) events.push(event);
      }
      token = page?.nextToken;
    } while (token);
    this.seen = index;
    return events;
  }

  private describe(event: HistoryEvent): string[] {
    if (event.type === 'TaskSubmitted' && event.taskSubmittedEventDetails?.resourceType === 'ecs') {
      const arn = taskArnOf(event.taskSubmittedEventDetails.output);
      if (!arn) return [];
      this.task = { arn };
      return [`task ${taskId(arn)} submitted`];
    }
    const name = event.stateEnteredEventDetails?.name;
    if (!name || !event.type?.endsWith('StateEntered')) return [];
    if (name === 'Decide') {
      const decision = parse<{ lease?: { decision?: string } }>(event.stateEnteredEventDetails?.input)?.lease
        ?.decision;
      return decision ? [DECISIONS[decision] ?? `lease: ${decision}`] : [];
    }
    if (name === 'RunOnSpot' || name === 'RunOnDemand') {
      this.task = undefined;
      const capacity = name === 'RunOnSpot' ? 'Fargate Spot' : 'on-demand Fargate';
      return [`attempt ${this.retried + 1}/${this.attempts}: starting a task on ${capacity}`];
    }
    const fallback = FALLBACKS[name];
    if (fallback) return [fallback];
    if (name === 'CountRetry') {
      this.retried += 1;
      return [`attempt ${this.retried}/${this.attempts} failed: retrying`];
    }
    return [];
  }
}

function parse<T>(json: string | undefined): T | undefined {
  try {
    return json ? (JSON.parse(json) as T) : undefined;
  } catch {
    return undefined;
  }
}

function taskArnOf(output: string | undefined): string | undefined {
  const response = parse<{ Tasks?: { TaskArn?: string }[]; tasks?: { taskArn?: string }[] }>(output);
  return response?.Tasks?.[0]?.TaskArn ?? response?.tasks?.[0]?.taskArn;
}

const taskId = (arn: string) => arn.split('/').pop() ?? arn;
