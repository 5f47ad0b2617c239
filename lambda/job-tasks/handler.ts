import { ECSClient } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import { issuesText } from '../../lib/schedule/issues';
import { stopExecutionTasks, type StopResult, type TasksDeps } from './tasks';

const logger = new Logger({ serviceName: 'job-tasks' });
const ecs = new ECSClient({});
const sfn = new SFNClient({});

const stopEventSchema = z.object({
  action: z.literal('stop'),
  executionArn: z.string().check(z.startsWith('arn:')),
  reason: z.string().check(z.minLength(1), z.maxLength(255)),
});

/** Step Functions sees the name: never retried. */
export class InvalidTasksEvent extends Error {
  override readonly name = 'InvalidTasksEvent';
}

export async function handle(event: unknown, deps: TasksDeps): Promise<StopResult> {
  const parsed = stopEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidTasksEvent(`job-tasks: invalid event: ${issuesText(parsed.error.issues, 'event')}`);
  }
  const { executionArn, reason } = parsed.data;
  const result = await stopExecutionTasks(executionArn, reason, deps);
  const log = result.allStopped ? logger.info.bind(logger) : logger.error.bind(logger);
  log('execution tasks stopped', { executionArn, reason, ...result });
  return result;
}

export async function handler(event: unknown): Promise<StopResult> {
  const cluster = process.env['CLUSTER_ARN'];
  if (!cluster) throw new Error('job-tasks: CLUSTER_ARN is not set');
  return handle(event, {
    ecs,
    sfn,
    cluster,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
  });
}
