import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { MissedRunDetector } from '../../lib/constructs/missed-run-detector';
import {
  CATALOG_FILE_NAME,
  missedRunCatalog,
  parseMissedRunCatalog,
} from '../../lib/schedule/missed-run-catalog';
import { checkStage } from '../../lib/stages/nag';
import { probeApp } from '../support/cdk-context';
import { scheduledJob } from '../support/fixtures';
import { readGuardFindings, readNagFindings } from '../support/validation-report';

const ACCOUNT = '111111111111';
const REGION = 'ap-northeast-1';
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/sandbox-batch-jobs`;
const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/sandbox-batch-jobs`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:sandbox-undelivered-starts`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:sandbox-batch-alarms`;

const catalog = missedRunCatalog('sandbox', [
  scheduledJob(),
  scheduledJob({ name: 'paused-for-good', enabled: false, disabledReason: 'retired' }),
]);

/**
 * A tiny stack: the detector and imports of what it uses, so every finding and resource in it
 * is the detector's. cdk-nag and the Control Tower checks run as in the app.
 */
function synthDetector(): { template: Template; assembly: CloudAssembly } {
  const app = probeApp({ reportOnly: true });
  app.node.setContext('aws:cdk:bundling-stacks', []);
  checkStage(app);
  const stack = new Stack(app, 'Probe', { env: { account: ACCOUNT, region: REGION } });
  new MissedRunDetector(stack, 'MissedRuns', {
    table: dynamodb.Table.fromTableArn(stack, 'Table', TABLE_ARN),
    eventBus: events.EventBus.fromEventBusArn(stack, 'Bus', BUS_ARN),
    deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'Dlq', QUEUE_ARN),
    catalog,
    environment: 'sandbox',
    logRetention: logs.RetentionDays.ONE_YEAR,
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Alarms', TOPIC_ARN),
    vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    }),
  });
  const assembly = app.synth();
  return { template: Template.fromStack(stack), assembly };
}

let template: Template;
let assembly: CloudAssembly;
beforeAll(() => {
  ({ template, assembly } = synthDetector());
});

/** Every action any policy of the template allows, with its resources. */
function allowedActions(): { action: string; resource: unknown }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (
      policy as {
        Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
      }
    ).Properties.PolicyDocument.Statement.flatMap((s) =>
      [s.Action].flat().map((action) => ({ action, resource: s.Resource })),
    ),
  );
}

describe('MissedRunDetector', () => {
  it('runs every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it('gives the function its table, bus, queue and the catalog layer', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: 'sandbox-batch-jobs',
          EVENT_BUS_NAME: 'sandbox-batch-jobs',
          DEAD_LETTER_QUEUE_URL: Match.anyValue(),
          CATALOG_PATH: `/opt/${CATALOG_FILE_NAME}`,
        }),
      },
      Layers: [{ Ref: Match.stringLikeRegexp('MissedRunsCatalog') }],
    });
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
  });

  it('ships the catalog, disabled jobs included, as the layer file the handler reads', () => {
    const files = fs
      .readdirSync(assembly.directory)
      .map((dir) => path.join(assembly.directory, dir, CATALOG_FILE_NAME))
      .filter((file) => fs.existsSync(file));
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(parseMissedRunCatalog(fs.readFileSync(file, 'utf8'))).toEqual(catalog);
    expect(catalog.jobs.map((j) => `${j.name} ${j.enabled} ${j.graceSeconds}`)).toEqual([
      'nightly-report true 600',
      'paused-for-good false 600',
    ]);
  });

  it('grants exactly the calls the detector makes, and never DeleteMessage', () => {
    const detectorActions = allowedActions().filter(
      (a) => !a.action.startsWith('logs:') && !a.action.startsWith('ec2:') && !a.action.startsWith('xray:'),
    );
    expect(detectorActions).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: expect.arrayContaining([TABLE_ARN]) as unknown },
      { action: 'dynamodb:PutItem', resource: expect.arrayContaining([TABLE_ARN]) as unknown },
      { action: 'dynamodb:DeleteItem', resource: expect.arrayContaining([TABLE_ARN]) as unknown },
      { action: 'events:PutEvents', resource: BUS_ARN },
      { action: 'sqs:ReceiveMessage', resource: QUEUE_ARN },
      { action: 'sqs:ChangeMessageVisibility', resource: QUEUE_ARN },
    ]);
  });

  it('alarms on errors and on not running, to the alarm topic, saying what to do', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Threshold: 1,
      AlarmActions: [TOPIC_ARN],
      AlarmDescription: Match.stringLikeRegexp('missed-run detector failed.*npm run job -- backfill'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocations',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [TOPIC_ARN],
      AlarmDescription: Match.stringLikeRegexp('has not run for 15 minutes'),
    });
  });

  it('has no unacknowledged cdk-nag AwsSolutions or Control Tower finding', () => {
    expect(readNagFindings(assembly.directory)).toEqual([]);
    expect(readGuardFindings(assembly.directory)).toEqual([]);
  });

  it('refuses a catalog of another environment', () => {
    const app = probeApp();
    const stack = new Stack(app, 'Probe');
    expect(
      () =>
        new MissedRunDetector(stack, 'MissedRuns', {
          table: dynamodb.Table.fromTableArn(stack, 'Table', TABLE_ARN),
          eventBus: events.EventBus.fromEventBusArn(stack, 'Bus', BUS_ARN),
          deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'Dlq', QUEUE_ARN),
          catalog,
          environment: 'production',
          logRetention: logs.RetentionDays.ONE_YEAR,
          alarmTopic: sns.Topic.fromTopicArn(stack, 'Alarms', TOPIC_ARN),
          vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a'] }),
        }),
    ).toThrow('MissedRunDetector: the catalog is for "sandbox", not "production"');
  });
});
