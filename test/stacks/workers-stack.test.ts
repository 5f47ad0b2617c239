import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { WORKERS_STACK_SHARED_RESOURCES, workerResourceCount } from '../../lib/config/worker-schema';
import { handlers, readSettings } from '../../containers/sqs-worker/src/main';
import { synthesized } from '../support/synth';
import type { ConfigurationName } from '../support/synth-result';
import { FIXTURE_CONFIG } from '../fixtures/config';

type Resource = { Properties: Record<string, unknown> };
type Environment = Exclude<ConfigurationName, 'tooling'>;
type Statement = { Action: string | string[]; Resource: unknown };

const workers = (env: Environment = 'sandbox') => loadConfig(env, FIXTURE_CONFIG).workers;
const template = (env: Environment = 'sandbox') => synthesized(env).templates['Workers']!;
const service = (name: string, env: Environment = 'sandbox') => {
  const found = Object.values(
    template(env).findResources('AWS::ECS::Service', { Properties: { ServiceName: `${env}-${name}` } }),
  ) as Resource[];
  expect(found, `service of ${name}`).toHaveLength(1);
  return found[0]!.Properties;
};
const alarmTopic = Match.objectLike({
  'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AlarmTopic') }),
});

describe('Workers stack', () => {
  it('runs one service per configured worker', () => {
    template().resourceCountIs('AWS::ECS::Service', workers().length);
    expect(workers().length).toBeGreaterThanOrEqual(6);
    for (const w of workers()) service(w.name);
  });

  it('has exactly the resources validation counts for its workers (the 500-per-stack check relies on it)', () => {
    for (const env of ['sandbox', 'production'] as const) {
      const counted = workers(env).reduce(
        (sum, w) => sum + workerResourceCount(w),
        WORKERS_STACK_SHARED_RESOURCES,
      );
      expect(Object.keys(template(env).toJSON()['Resources'] as object), env).toHaveLength(counted);
    }
  });

  it('keeps the first task on on-demand Fargate and the rest on Spot, with rollback on failed deploys', () => {
    for (const w of workers()) {
      expect(service(w.name), w.name).toMatchObject({
        CapacityProviderStrategy: [
          { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
          { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
        ],
        DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      });
      expect(service(w.name)['LaunchType'], 'a launch type would override the strategy').toBeUndefined();
    }
  });

  it('pins singletons to exactly one task that is stopped before its successor starts', () => {
    const singletons = workers().filter((w) => w.singleton);
    expect(singletons.map((w) => w.name)).toEqual(['payment-reconciler', 'ledger-exporter']);
    for (const env of ['sandbox', 'production'] as const) {
      for (const w of singletons) {
        expect(service(w.name, env), `${env} ${w.name}`).toMatchObject({
          DesiredCount: 1,
          DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 },
          AvailabilityZoneRebalancing: 'DISABLED',
        });
      }
    }
    expect(service('notification-dispatcher')).toMatchObject({
      DesiredCount: 2,
      DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200 },
    });
  });

  it('applies per-environment overrides: search-index-updater runs 1 task in sandbox, 2 in production', () => {
    expect(service('search-index-updater', 'sandbox')['DesiredCount']).toBe(1);
    expect(service('search-index-updater', 'production')['DesiredCount']).toBe(2);
  });

  it('gives every queue SSE, a TLS-only policy and a DLQ after maxReceiveCount receives', () => {
    for (const w of workers()) {
      const dlq = Object.keys(
        template().findResources('AWS::SQS::Queue', { Properties: { QueueName: `sandbox-${w.name}-dlq` } }),
      );
      expect(dlq, w.name).toHaveLength(1);
      template().hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `sandbox-${w.name}`,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: w.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0]!, 'Arn'] },
          maxReceiveCount: w.maxReceiveCount,
        },
      });
      template().hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `sandbox-${w.name}-dlq`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
        // only the worker's own queue may dead-letter into it (Control Tower CT.SQS.PR.1)
        RedriveAllowPolicy: {
          redrivePermission: 'byQueue',
          sourceQueueArns: [`arn:aws:sqs:ap-northeast-1:111111111111:sandbox-${w.name}`],
        },
      });
    }
    template().resourceCountIs('AWS::SQS::Queue', workers().length * 2);
    template().resourceCountIs('AWS::SQS::QueuePolicy', workers().length * 2);
    template().allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('scales only the scaled worker, on backlog per running task, never below min', () => {
    const scaled = workers().filter((w) => w.scaling);
    expect(scaled.map((w) => w.name)).toEqual(['order-events-relay']);
    template().resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template().resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 10,
      ScalableDimension: 'ecs:service:DesiredCount',
      // ECS's service-linked role: a role of our own would lack ecs:UpdateService.
      RoleARN: Match.stringLikeRegexp(
        ':role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService$',
      ),
    });
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 200,
        CustomizedMetricSpecification: {
          Metrics: Match.arrayWith([
            Match.objectLike({
              Id: 'visible',
              MetricStat: Match.objectLike({
                Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }),
              }),
            }),
            Match.objectLike({
              Id: 'running',
              MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RunningTaskCount' }) }),
            }),
            Match.objectLike({
              Id: 'backlogPerTask',
              Expression: 'visible / IF(running > 0, running, 1)',
              ReturnData: true,
            }),
          ]),
        },
      }),
    });
    // Task and execution role per worker, and no scaling role that could not scale anything.
    template().resourceCountIs('AWS::IAM::Role', workers().length * 2);
    // The count is Application Auto Scaling's: a DesiredCount would reset it on every deploy.
    expect(service('order-events-relay')['DesiredCount']).toBeUndefined();
  });

  it('lets each task role consume exactly its own queue and nothing else', () => {
    const resources = (type: string) => template().findResources(type) as Record<string, Resource>;
    const policies = Object.values(resources('AWS::IAM::Policy'));
    const taskDefinitions = resources('AWS::ECS::TaskDefinition');
    const queueId = (name: string) => {
      const [id] = Object.keys(
        template().findResources('AWS::SQS::Queue', { Properties: { QueueName: name } }),
      );
      return id;
    };
    for (const w of workers()) {
      // service -> its task definition -> its task role -> the one policy attached to that role
      const { Ref: taskDefinition } = service(w.name)['TaskDefinition'] as { Ref: string };
      const taskRoleArn = taskDefinitions[taskDefinition]!.Properties['TaskRoleArn'] as {
        'Fn::GetAtt': [string];
      };
      const role = taskRoleArn['Fn::GetAtt'][0];
      const attached = policies.filter(
        (p) => JSON.stringify(p.Properties['Roles']) === JSON.stringify([{ Ref: role }]),
      );
      expect(attached, w.name).toHaveLength(1);
      const statements = (attached[0]!.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement;
      expect(statements, w.name).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          Resource: { 'Fn::GetAtt': [queueId(`sandbox-${w.name}`), 'Arn'] },
        },
      ]);
    }
  });

  it('stops gracefully: SIGTERM then 120 s, non-root, read-only root filesystem, logs kept per environment', () => {
    for (const w of workers()) {
      // the task's memory is the container's hard limit too (Control Tower CT.ECS.PR.7)
      template().hasResourceProperties('AWS::ECS::TaskDefinition', {
        Family: `sandbox-worker-${w.name}`,
        Memory: String(w.memory),
        ContainerDefinitions: [Match.objectLike({ Memory: w.memory })],
      });
    }
    template().allResourcesProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] },
    });
    template().allResourcesProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          StopTimeout: 120,
          User: '1000',
          ReadonlyRootFilesystem: true,
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
    for (const env of ['sandbox', 'production'] as const) {
      template(env).allResourcesProperties('AWS::Logs::LogGroup', {
        RetentionInDays: loadConfig(env, FIXTURE_CONFIG).environment.logRetentionDays,
      });
    }
  });

  it("tells each worker its name, environment, queue, visibility timeout and deadline, after the operator's variables", () => {
    for (const env of ['sandbox', 'production'] as const) {
      for (const w of workers(env)) {
        const [queue] = Object.keys(
          template(env).findResources('AWS::SQS::Queue', { Properties: { QueueName: `${env}-${w.name}` } }),
        );
        template(env).hasResourceProperties('AWS::ECS::TaskDefinition', {
          Family: `${env}-worker-${w.name}`,
          ContainerDefinitions: [
            Match.objectLike({
              Environment: [
                ...Object.entries(w.environment).map(([Name, Value]) => ({ Name, Value })),
                { Name: 'WORKER_NAME', Value: w.name },
                { Name: 'ENVIRONMENT_NAME', Value: env },
                { Name: 'QUEUE_URL', Value: { Ref: queue } },
                { Name: 'VISIBILITY_TIMEOUT_SECONDS', Value: String(w.visibilityTimeoutSeconds) },
                { Name: 'MAX_PROCESSING_SECONDS', Value: String(w.maxProcessingSeconds) },
              ],
            }),
          ],
        });
        // The worker refuses to start unless its deadline ends before the message can reappear.
        expect(w.visibilityTimeoutSeconds - w.maxProcessingSeconds, w.name).toBeGreaterThanOrEqual(10);
      }
    }
    expect(workers().find((w) => w.name === 'payment-reconciler')!.maxProcessingSeconds).toBe(300);
  });

  it('gives the sqs-worker image every setting it refuses to start without, as the image reads them', () => {
    type Container = {
      Command: string[];
      Environment: { Name: string; Value: unknown }[];
      Secrets?: { Name: string }[];
    };
    for (const env of ['sandbox', 'production'] as const) {
      for (const w of workers(env)) {
        const [definition] = Object.values(
          template(env).findResources('AWS::ECS::TaskDefinition', {
            Properties: { Family: `${env}-worker-${w.name}` },
          }),
        ) as { Properties: { ContainerDefinitions: Container[] } }[];
        const container = definition!.Properties.ContainerDefinitions[0]!;
        // What the task sees: plain variables (a token such as the queue's Ref stands for its
        // value) and each secret, resolved by ECS before the process starts.
        const processEnv = Object.fromEntries([
          ...container.Environment.map(({ Name, Value }) => [
            Name,
            typeof Value === 'string' ? Value : 'resolved-at-deploy',
          ]),
          ...(container.Secrets ?? []).map(({ Name }) => [Name, 'resolved-at-deploy']),
        ]) as NodeJS.ProcessEnv;
        const makeHandler = handlers[container.Command.at(-1)!];
        expect(
          makeHandler,
          `${w.name}: the image has no handler "${container.Command.at(-1)}"`,
        ).toBeDefined();
        expect(() => makeHandler!(processEnv), w.name).not.toThrow();
        expect(readSettings(processEnv), w.name).toEqual({
          queueUrl: 'resolved-at-deploy',
          worker: w.name,
          environment: env,
          visibilityTimeoutSeconds: w.visibilityTimeoutSeconds,
          maxProcessingSeconds: w.maxProcessingSeconds,
          receiveWaitSeconds: 20,
        });
      }
    }
  });

  it('alarms on dead letters, old messages and missing tasks, each to the platform topic', () => {
    template().resourceCountIs('AWS::CloudWatch::Alarm', workers().length * 6);
    template().allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [alarmTopic] });
    for (const w of workers()) {
      template().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `sandbox-${w.name}-dead-letters`,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) }],
        Threshold: 1,
      });
      template().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `sandbox-${w.name}-oldest-message`,
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: w.oldestMessageAlarmSeconds,
      });
      template().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `sandbox-${w.name}-tasks-below-desired`,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 5,
        TreatMissingData: 'breaching',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'desired - running' }),
          Match.objectLike({
            Id: 'desired',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({
                Namespace: 'ECS/ContainerInsights',
                MetricName: 'DesiredTaskCount',
              }),
            }),
          }),
          Match.objectLike({
            Id: 'running',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({
                Namespace: 'ECS/ContainerInsights',
                MetricName: 'RunningTaskCount',
              }),
            }),
          }),
        ]),
      });
    }
    expect(workers().find((w) => w.name === 'order-events-relay')!.oldestMessageAlarmSeconds).toBe(600);
  });

  // Names written out, not read from the worker's metrics module: they are what dashboards and
  // runbooks use, so renaming one should show up here.
  it.each([
    ['messages-overdue', 'MessagesOverdue', 'Maximum', 60, 1, 'message-overdue'],
    ['redeliveries-held', 'RedeliveriesHeld', 'Sum', 300, 1, 'redelivery-held'],
    ['receive-stalls', 'ReceiveStalls', 'Sum', 900, 3, 'receive-stalled'],
  ])(
    "alarms on the worker's own %s metric, quiet while nothing is reported, pointing at the log event",
    (suffix, metricName, statistic, period, threshold, event) => {
      for (const env of ['sandbox', 'production'] as const) {
        for (const w of workers(env)) {
          template(env).hasResourceProperties('AWS::CloudWatch::Alarm', {
            AlarmName: `${env}-${w.name}-${suffix}`,
            Namespace: 'BatchPlatform/Workers',
            MetricName: metricName,
            Dimensions: [
              { Name: 'Environment', Value: env },
              { Name: 'Worker', Value: w.name },
            ],
            Statistic: statistic,
            Period: period,
            EvaluationPeriods: 1,
            Threshold: threshold,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            TreatMissingData: 'notBreaching',
            AlarmActions: [alarmTopic],
            AlarmDescription: Match.stringLikeRegexp(
              `^${w.name}: .*"${event}" in /batch-platform/${env}/workers/${w.name}[ ,;]`,
            ),
          });
        }
      }
    },
  );

  it('says in a redelivery alarm whether another task may have run the message too', () => {
    const description = (name: string) =>
      Object.values(
        template().findResources('AWS::CloudWatch::Alarm', {
          Properties: { AlarmName: `sandbox-${name}-redeliveries-held` },
        }),
      ).map((alarm) => (alarm as Resource).Properties['AlarmDescription'])[0];
    expect(description('payment-reconciler')).toContain(
      'a singleton has no other task: this was a double run prevented',
    );
    expect(description('order-events-relay')).toContain('another task may have received it too');
    expect(description('order-events-relay')).not.toContain('singleton');
  });
});
