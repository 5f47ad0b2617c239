import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { issuesText } from '../../lib/schedule/issues';
import { finishRun, type FinishDeps, type Finished } from './finish';
import { metricLine, recorderEventSchema } from './record';

const logger = new Logger({ serviceName: 'job-recorder' });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const events = new EventBridgeClient({});

/** Step Functions sees the name: never retried, the runner publishes the outcome itself. */
export class InvalidFinishEvent extends Error {
  override readonly name = 'InvalidFinishEvent';
}

export async function handle(event: unknown, deps: FinishDeps): Promise<Finished> {
  const parsed = recorderEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidFinishEvent(`job-recorder: invalid event: ${issuesText(parsed.error.issues, 'event')}`);
  }
  const finished = await finishRun(parsed.data, deps);
  logger.info('run finished', {
    job: finished.detail.job,
    status: finished.detail.status,
    reason: finished.detail.reason,
    recorded: finished.detail.recorded,
  });
  deps.emit(metricLine(finished.detail, deps.now(), finished.detail.recorded));
  return finished;
}

export async function handler(event: unknown): Promise<Finished> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`job-recorder: ${name} is not set`);
    return value;
  };
  return handle(event, {
    ddb,
    events,
    tableName: env('TABLE_NAME'),
    eventBusName: env('EVENT_BUS_NAME'),
    environment: env('ENVIRONMENT'),
    now: () => new Date(),
    warn: (message, details) => logger.error(message, details),
    emit: (line) => process.stdout.write(`${line}\n`),
  });
}
