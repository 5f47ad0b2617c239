import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
// zod/mini: the same validation in ~20 KB instead of ~400 KB of bundle (cold starts).
import * as z from 'zod/mini';
import { acquire, takeOver, type Decision, type LeaseDeps, type LeaseEvent } from './lease';

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

/** Step Functions sees this name as the error: retry everything but this. */
export class InvalidLeaseEvent extends Error {
  override readonly name = 'InvalidLeaseEvent';
}

export function parseLeaseEvent(event: unknown): LeaseEvent {
  const parsed = leaseEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
  // Thrown, not answered: the runner must not run a job on a malformed lease request.
  throw new InvalidLeaseEvent(`job-lease: invalid event: ${problems}`);
}

const logger = new Logger({ serviceName: 'job-lease' });
// Module scope: reused by every invocation of a warm container.
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sfn = new SFNClient({});

export async function handle(event: unknown, deps: LeaseDeps): Promise<Decision> {
  const e = parseLeaseEvent(event);
  const decision = e.action === 'acquire' ? await acquire(e, deps) : await takeOver(e, deps);
  logger.info('lease decision', {
    job: e.job,
    slot: e.slot,
    action: e.action,
    executionArn: e.executionArn,
    decision: decision.decision,
    ...('holder' in decision ? { holder: decision.holder } : {}),
  });
  return decision;
}

export async function handler(event: unknown): Promise<Decision> {
  const tableName = process.env['TABLE_NAME'];
  if (!tableName) throw new Error('job-lease: TABLE_NAME is not set');
  return handle(event, { ddb, sfn, tableName, now: () => new Date() });
}
