import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { synthPlatform } from '../support/synth';

type Resource = { Properties: Record<string, unknown> };
const workers = () => loadConfig('sandbox').workers;
const template = () => synthPlatform('sandbox').templates['Workers']!;
const service = (name: string) =>
  Object.values(
    template().findResources('AWS::ECS::Service', { Properties: { ServiceName: `sandbox-${name}` } }),
  )[0] as Resource | undefined;

describe('Workers stack', () => {
  it('runs one service per configured worker', () => {
    template().resourceCountIs('AWS::ECS::Service', workers().length);
    for (const w of workers()) expect(service(w.name), w.name).toBeDefined();
  });

  it('keeps the first task on on-demand Fargate and the rest on Spot, with rollback on failed deploys', () => {
    for (const w of workers()) {
      expect(service(w.name)!.Properties).toMatchObject({
        CapacityProviderStrategy: [
          { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
          { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
        ],
        DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      });
    }
  });

  it('pins singletons to exactly one task that is stopped before its successor starts', () => {
    const singletons = workers().filter((w) => w.singleton);
    expect(singletons.map((w) => w.name)).toEqual(['payment-reconciler', 'ledger-exporter']);
    for (const w of singletons) {
      expect(service(w.name)!.Properties).toMatchObject({
        DesiredCount: 1,
        DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 },
      });
    }
    expect(service('notification-dispatcher')!.Properties).toMatchObject({
      DesiredCount: 2,
      DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200 },
    });
  });

  it('gives every queue SSE, a TLS-only policy and a DLQ after maxReceiveCount receives', () => {
    for (const w of workers()) {
      template().hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `sandbox-${w.name}`,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: w.visibilityTimeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: w.maxReceiveCount },
      });
      template().hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `sandbox-${w.name}-dlq`,
        MessageRetentionPeriod: 1_209_600,
      });
    }
    template().resourceCountIs('AWS::SQS::QueuePolicy', workers().length * 2);
  });

  it('scales only the scaled worker, on backlog per running task, never below min', () => {
    template().resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 10,
    });
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 200,
        CustomizedMetricSpecification: {
          Metrics: Match.arrayWith([
            Match.objectLike({
              Id: 'backlogPerTask',
              Expression: 'visible / IF(running > 0, running, 1)',
              ReturnData: true,
            }),
          ]),
        },
      }),
    });
  });

  it('lets each task role consume only its own queue', () => {
    const policies = template().findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('TaskTaskRole') }] },
    }) as Record<string, Resource>;
    expect(Object.keys(policies)).toHaveLength(workers().length);
    for (const [id, policy] of Object.entries(policies)) {
      const statements = (
        policy.Properties['PolicyDocument'] as { Statement: { Action: string[]; Resource: unknown }[] }
      ).Statement;
      expect(statements).toHaveLength(1);
      expect(statements[0]!.Action).toEqual(
        expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
      );
      const worker = workers().find((w) => id.startsWith(w.name.replace(/-/g, '')))!;
      expect(JSON.stringify(statements[0]!.Resource)).toContain(worker.name.replace(/-/g, ''));
    }
  });

  it('stops gracefully: SIGTERM then 120 s, non-root, read-only root filesystem', () => {
    template().allResourcesProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ StopTimeout: 120, User: '1000', ReadonlyRootFilesystem: true }),
      ],
    });
  });

  it('alarms on dead letters, old messages and missing tasks, to the platform topic', () => {
    template().resourceCountIs('AWS::CloudWatch::Alarm', workers().length * 3);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RunningTaskCount',
      Namespace: 'ECS/ContainerInsights',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 5,
      TreatMissingData: 'breaching',
      AlarmActions: [Match.anyValue()],
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 600, // order-events-relay: oldestMessageAlarm '10m'
    });
  });
});
