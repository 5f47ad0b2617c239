import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { metricLine, recordRun, recorderEventSchema } from './record';

const logger = new Logger({ serviceName: 'job-recorder' });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = process.env['TABLE_NAME'] ?? '';
const environment = process.env['ENVIRONMENT'] ?? '';

export async function handler(event: unknown) {
  const parsed = recorderEventSchema.safeParse(event);
  if (!parsed.success) {
    // The runner catches this and still releases the lease; the message says what was missing.
    throw new Error(
      `job-recorder: invalid event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const result = await recordRun(parsed.data, { ddb, tableName, environment, now: () => new Date() });
  logger.info('run recorded', {
    job: result.detail.job,
    status: result.detail.status,
    reason: result.detail.reason,
  });
  process.stdout.write(`${metricLine(result.detail, new Date())}\n`);
  return result;
}
