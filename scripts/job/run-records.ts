import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { jobNames } from '../../lib/schedule/naming';

/**
 * A run record as the job runner's recorder writes it: pk `RUN#<job>`,
 * sk `<startedAt ISO>#<execution name>`, so a query on pk is ordered by start time.
 */
export const runRecordSchema = z.looseObject({
  pk: z.string(),
  sk: z.string(),
  job: z.string().optional(),
  slot: z.string().optional(),
  trigger: z.string().optional(),
  status: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  exitCode: z.number().optional(),
  capacity: z.string().optional(),
  taskArn: z.string().optional(),
  logStream: z.string().optional(),
  executionArn: z.string().optional(),
  reason: z.string().optional(),
});

export type RunRecord = z.output<typeof runRecordSchema>;

export interface RecordQuery {
  readonly ddb: DynamoDBDocumentClient;
  readonly environment: string;
  readonly job: string;
}

/** The newest `limit` records, newest first; items that do not parse are returned as problems. */
export async function latestRuns(
  query: RecordQuery,
  limit: number,
): Promise<{ records: RunRecord[]; unreadable: number }> {
  const result = await query.ddb.send(
    new QueryCommand({
      TableName: jobNames(query.environment).table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `RUN#${query.job}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const parsed = (result.Items ?? []).map((item) => runRecordSchema.safeParse(item));
  return {
    records: parsed.flatMap((p) => (p.success ? [p.data] : [])),
    unreadable: parsed.filter((p) => !p.success).length,
  };
}

/**
 * The record of one execution. Its sort key starts with the execution's start time, so a few
 * seconds' window around it finds the record without reading the job's whole history.
 */
export async function runOfExecution(
  query: RecordQuery,
  executionArn: string,
  startedAt: Date,
): Promise<RunRecord | undefined> {
  const from = new Date(startedAt.getTime() - 5_000).toISOString();
  const to = `${new Date(startedAt.getTime() + 5_000).toISOString()}~`;
  const result = await query.ddb.send(
    new QueryCommand({
      TableName: jobNames(query.environment).table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `RUN#${query.job}`, ':from': from, ':to': to },
    }),
  );
  for (const item of result.Items ?? []) {
    const parsed = runRecordSchema.safeParse(item);
    if (parsed.success && parsed.data.executionArn === executionArn) return parsed.data;
  }
  return undefined;
}
