import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
// zod/mini: the same validation in ~20 KB instead of ~400 KB of bundle (cold starts).
import * as z from 'zod/mini';
import { acquire, takeOver, type Decision, type LeaseDeps } from './lease';

const arn = () => z.string().check(z.startsWith('arn:'));
const common = {
  job: z.string().check(z.minLength(1)),
  slot: z.string().check(z.minLength(1)),
  executionArn: arn(),
  leaseSeconds: z.number().check(z.int(), z.positive()),
};
export const leaseEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acquire'), concurrency: z.enum(['forbid', 'replace', 'allow']), ...common }),
  z.object({ action: z.literal('takeover'), previousExecutionArn: arn(), ...common }),
]);

const logger = new Logger({ serviceName: 'job-lease' });
const deps: LeaseDeps = {
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  sfn: new SFNClient({}),
  tableName: process.env['TABLE_NAME'] ?? '',
  now: () => new Date(),
};

export async function handle(event: unknown, leaseDeps: LeaseDeps): Promise<Decision> {
  const parsed = leaseEventSchema.safeParse(event);
  if (!parsed.success) {
    // Thrown, not returned: the runner must not run a job on a malformed lease request.
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'event'}: ${i.message}`)
      .join('; ');
    throw new Error(`job-lease: invalid event: ${problems}`);
  }
  const e = parsed.data;
  return e.action === 'acquire' ? acquire(e, leaseDeps) : takeOver(e, leaseDeps);
}

export async function handler(event: unknown): Promise<Decision> {
  const decision = await handle(event, deps);
  const job = (event as { job?: string }).job;
  logger.info('lease decision', {
    job,
    decision: decision.decision,
    ...('holder' in decision ? { holder: decision.holder } : {}),
  });
  return decision;
}
