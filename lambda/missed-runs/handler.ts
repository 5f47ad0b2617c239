import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CATALOG_FILE_NAME,
  parseMissedRunCatalog,
  type MissedRunCatalog,
} from '../../lib/schedule/missed-run-catalog';
import { alertDeadLetters, type DeadLetterDeps, type DeadLetterReport } from './dead-letters';
import { detectMissedRuns, type DetectDeps, type DetectReport } from './detect';

const logger = new Logger({ serviceName: 'missed-runs' });
// Module scope: reused by every invocation of a warm container, like the caches below.
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const events = new EventBridgeClient({});
const sqs = new SQSClient({});
const firstSeen = new Map<string, number>();
const alerted = new Set<string>();

/** The catalog layer's file: layers are unpacked under /opt. */
export const DEFAULT_CATALOG_PATH = `/opt/${CATALOG_FILE_NAME}`;

export interface MissedRunsReport {
  readonly detect: DetectReport | { readonly error: string };
  readonly deadLetters: DeadLetterReport | { readonly error: string };
}

/**
 * One scheduled pass: missed slots, then Scheduler's dead letters. Each runs even when the
 * other fails; a failure is thrown at the end, so the function's Errors alarm fires.
 */
export async function handle(
  catalog: MissedRunCatalog,
  deps: DetectDeps & DeadLetterDeps,
): Promise<MissedRunsReport> {
  const [detect, deadLetters] = await Promise.allSettled([
    detectMissedRuns(catalog, deps),
    alertDeadLetters(catalog, deps),
  ]);
  const report: MissedRunsReport = {
    detect: detect.status === 'fulfilled' ? detect.value : { error: String(detect.reason) },
    deadLetters:
      deadLetters.status === 'fulfilled' ? deadLetters.value : { error: String(deadLetters.reason) },
  };
  for (const alert of [
    ...('alerted' in report.detect ? report.detect.alerted : []),
    ...('alerted' in report.deadLetters ? report.deadLetters.alerted : []),
  ]) {
    logger.warn('missed run', { ...alert });
  }
  logger.info('missed-run pass', {
    jobs: 'jobsChecked' in report.detect ? report.detect.jobsChecked : undefined,
    slots: 'slotsChecked' in report.detect ? report.detect.slotsChecked : undefined,
    deadLetters: 'received' in report.deadLetters ? report.deadLetters.received : undefined,
  });
  const problems = [
    detect.status === 'rejected' ? `missed-slot check failed: ${String(detect.reason)}` : '',
    deadLetters.status === 'rejected' ? `dead-letter check failed: ${String(deadLetters.reason)}` : '',
    'failed' in report.detect && report.detect.failed > 0
      ? `${report.detect.failed} missed-slot alert(s) refused by EventBridge`
      : '',
    'failed' in report.deadLetters && report.deadLetters.failed > 0
      ? `${report.deadLetters.failed} dead-letter alert(s) refused by EventBridge`
      : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    logger.error('missed-run pass incomplete', { problems });
    throw new Error(`missed-runs: ${problems.join('; ')}`);
  }
  return report;
}

let catalog: MissedRunCatalog | undefined;

export async function handler(): Promise<MissedRunsReport> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`missed-runs: ${name} is not set`);
    return value;
  };
  catalog ??= parseMissedRunCatalog(
    readFileSync(process.env['CATALOG_PATH'] ?? DEFAULT_CATALOG_PATH, 'utf8'),
  );
  return handle(catalog, {
    ddb,
    events,
    sqs,
    tableName: env('TABLE_NAME'),
    eventBusName: env('EVENT_BUS_NAME'),
    queueUrl: env('DEAD_LETTER_QUEUE_URL'),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    firstSeen,
    alerted,
  });
}
