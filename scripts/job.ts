/**
 * `npm run job -- <list|ls|run|status|logs|pause|resume|stop|backfill|import-crontab> ...`: operators' view of the scheduled jobs.
 * Everything but the wiring lives in scripts/job/ and is unit-tested there.
 */
import { exitWith } from './support/process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { main } from './job/main';
import { consoleOutput } from './job/output';

// The project runs on Node 20 by design (the CI and ops machines have it); the SDK's multi-line notice that
// future SDK releases need Node 22 would otherwise bury the one line an operator needs.
// Set the variable to "false" to see it.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

exitWith(
  main(process.argv.slice(2), {
    out: consoleOutput,
    now: () => new Date(),
    sleep: (ms) => sleep(ms),
    uuid: randomUUID,
    // The region comes from config, never from the active profile: a profile pointing elsewhere
    // must not start a job in the wrong region.
    clients: (env) => ({
      sfn: new SFNClient({ region: env.region }),
      ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: env.region })),
      logs: new CloudWatchLogsClient({ region: env.region }),
      sts: new STSClient({ region: env.region }),
      ecs: new ECSClient({ region: env.region }),
    }),
  }),
);
