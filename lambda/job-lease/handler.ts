import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
// zod/mini: the same validation in ~20 KB instead of ~400 KB of bundle (cold starts).
import * as z from 'zod/mini';
import { issuesText } from '../../lib/schedule/issues';
import { InvalidRunInput, parseJobRunnerInput, type JobRunnerInput } from '../../lib/schedule/runner-input';
import { begin, reacquire, takeOver, type Decision, type LeaseDeps } from './lease';

const arn = () => z.string().check(z.startsWith('arn:'));

/** What the runner's states send; the job's own input is checked by `parseJobRunnerInput`. */
const leaseEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('begin'), executionArn: arn(), input: z.unknown() }),
  z.object({
    action: z.literal('takeover'),
    executionArn: arn(),
    previousExecutionArn: arn(),
    input: z.unknown(),
  }),
]);

/** EventBridge's "Step Functions Execution Status Change" for a redriven execution. */
const redriveEventSchema = z.object({
  source: z.literal('aws.states'),
  detail: z.object({ executionArn: arn(), input: z.string(), redriveCount: z.number() }),
});

/** What `begin` hands the runner: the checked input becomes the execution's state. */
export type BeginOutput = JobRunnerInput & {
  readonly run: {
    readonly attempt: 0;
    readonly capacity: JobRunnerInput['job']['capacity'];
    readonly fellBack: false;
  };
  readonly lease: Decision;
};

export type RedriveVerdict = 'no lease needed' | 're-acquired' | 'refused';

const logger = new Logger({ serviceName: 'job-lease' });
// Module scope: reused by every invocation of a warm container.
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sfn = new SFNClient({});

/** Step Functions sees `InvalidRunInput` as the error name: retried never, caught by the runner. */
export async function handle(
  event: unknown,
  deps: LeaseDeps,
): Promise<BeginOutput | Decision | RedriveVerdict> {
  const redrive = redriveEventSchema.safeParse(event);
  if (redrive.success) return guardRedrive(redrive.data.detail, deps);
  const parsed = leaseEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidRunInput(`job-lease: invalid event: ${issuesText(parsed.error.issues, 'event')}`);
  }
  const e = parsed.data;
  const input = parseJobRunnerInput(e.input);
  const decision =
    e.action === 'begin'
      ? await begin(input, e.executionArn, deps)
      : await takeOver(input, e.executionArn, e.previousExecutionArn, deps);
  logger.info('lease decision', { job: input.job.name, slot: input.slot, action: e.action, ...decision });
  if (e.action === 'takeover') return decision;
  return { ...input, run: { attempt: 0, capacity: input.job.capacity, fellBack: false }, lease: decision };
}

/**
 * A redrive resumes an execution where it stopped, perhaps in the middle of its run step,
 * with no lease check in between: let it go on only if it holds the lease again, and stop it
 * otherwise, before it can run beside the run that holds the lease now.
 */
async function guardRedrive(
  detail: { executionArn: string; input: string; redriveCount: number },
  deps: LeaseDeps,
): Promise<RedriveVerdict> {
  const input = parseJobRunnerInput(JSON.parse(detail.input));
  const verdict = await reacquire(input, detail.executionArn, deps);
  if (typeof verdict === 'string') {
    logger.info('redrive allowed', { job: input.job.name, executionArn: detail.executionArn, verdict });
    return verdict;
  }
  await deps.sfn.send(
    new StopExecutionCommand({
      executionArn: detail.executionArn,
      error: 'RedriveRefused',
      cause: `${verdict.refused.executionArn} holds the lease of ${input.job.name}; start a new run instead of redriving`,
    }),
  );
  logger.warn('redrive refused', {
    job: input.job.name,
    executionArn: detail.executionArn,
    holder: verdict.refused,
  });
  return 'refused';
}

export async function handler(event: unknown): Promise<BeginOutput | Decision | RedriveVerdict> {
  const tableName = process.env['TABLE_NAME'];
  if (!tableName) throw new Error('job-lease: TABLE_NAME is not set');
  return handle(event, { ddb, sfn, tableName, now: () => new Date() });
}
