import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { configFiles, type ConfigSources } from '../../lib/config';
import { exitWith } from '../support/process';
import { main } from './main';
import { consoleOutput } from './output';

/**
 * The job CLI as a process runs it: console output, the real clock and AWS clients, over the
 * shipped config/ unless told otherwise (the end-to-end test hands it the fixture config).
 */
export function jobCli(argv: readonly string[], config: ConfigSources = configFiles): void {
  // The project runs on Node 20 by design (the CI and ops machines have it); the SDK's multi-line notice that
  // future SDK releases need Node 22 would otherwise bury the one line an operator needs.
  // Set the variable to "false" to see it.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

  exitWith(
    main(argv, {
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
      config,
    }),
  );
}
