import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONTAINERS_DIR } from '../config/common-schema';
import type { WorkerConfig } from '../config/worker-schema';
import { containerSecret } from './container-secret';

export interface WorkerServiceProps {
  readonly environment: string;
  readonly worker: WorkerConfig;
  readonly cluster: ecs.ICluster;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /**
   * Whether the worker's log group survives stack deletion.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One resident SQS worker: its queue and dead-letter queue, a Fargate service that keeps one
 * task on on-demand capacity and the rest on Spot, optional backlog-per-task scaling, and
 * the alarms an operator needs to know it is falling behind.
 */
export class WorkerService extends Construct {
  public readonly queue: sqs.IQueue;
  public readonly deadLetterQueue?: sqs.Queue;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const { worker, environment } = props;
    const name = `${environment}-${worker.name}`;

    if (worker.importedQueueArn) {
      this.queue = sqs.Queue.fromQueueArn(this, 'Queue', worker.importedQueueArn);
    } else {
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
        queueName: `${name}-dlq`,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14), // the longest SQS keeps a message: time to investigate
      });
      this.queue = new sqs.Queue(this, 'Queue', {
        queueName: name,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(worker.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: worker.maxReceiveCount },
      });
    }

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: `${environment}-worker-${worker.name}`,
      cpu: worker.cpu,
      memoryLimitMiB: worker.memory,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });
    taskDefinition.addVolume({ name: 'tmp' });
    const container = taskDefinition.addContainer('worker', {
      image: this.image(worker),
      command: [...worker.command],
      environment: {
        WORKER_NAME: worker.name,
        QUEUE_URL: this.queue.queueUrl,
        VISIBILITY_TIMEOUT_SECONDS: String(worker.visibilityTimeoutSeconds),
        ...worker.environment,
      },
      secrets: Object.fromEntries(
        Object.entries(worker.secrets).map(([key, ref]) => [key, containerSecret(this, key, ref)]),
      ),
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: worker.name,
        logGroup: new logs.LogGroup(this, 'Logs', {
          logGroupName: `/batch-platform/${environment}/workers/${worker.name}`,
          retention: props.logRetention,
          removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
        }),
      }),
      readonlyRootFilesystem: true,
      user: '1000',
      // SIGTERM, then 120 s (Fargate's maximum, Spot's notice) to finish before SIGKILL.
      stopTimeout: Duration.seconds(120),
    });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
    this.queue.grantConsumeMessages(taskDefinition.taskRole);
    Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are scoped to the repository',
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'Plain environment holds only non-secret settings (queue URL, target URL); config validation rejects secret-looking names and secrets come from Secrets Manager/SSM',
    });

    this.service = new ecs.FargateService(this, 'Service', {
      serviceName: name,
      cluster: props.cluster,
      taskDefinition,
      desiredCount: worker.scaling?.min ?? worker.desiredCount,
      // `base` is placed first: the first task is on-demand, every further one on Spot.
      capacityProviderStrategies: [
        { capacityProvider: 'FARGATE', base: 1, weight: 0 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ],
      // A singleton's old task stops before its successor starts: never two copies.
      minHealthyPercent: worker.singleton ? 0 : 100,
      maxHealthyPercent: worker.singleton ? 100 : 200,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      assignPublicIp: false,
    });

    if (worker.scaling) this.addBacklogScaling(worker.scaling);
    this.addAlarms(props);
  }

  private image(worker: WorkerConfig): ecs.ContainerImage {
    if ('directory' in worker.image) {
      return ecs.ContainerImage.fromAsset(path.join(CONTAINERS_DIR, worker.image.directory), {
        platform: Platform.LINUX_AMD64, // Fargate Spot runs x86_64 only
      });
    }
    return ecs.ContainerImage.fromEcrRepository(
      ecr.Repository.fromRepositoryArn(this, 'Repository', worker.image.ecrRepository),
      worker.image.tag,
    );
  }

  /**
   * Target tracking on messages waiting per running task, AWS's recommended metric for SQS
   * workers. The CDK L2 accepts only a single metric, so the policy is written in L1 with
   * Application Auto Scaling's metric-math form.
   */
  private addBacklogScaling(scaling: NonNullable<WorkerConfig['scaling']>): void {
    const target = new appscaling.ScalableTarget(this, 'Scaling', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      resourceId: `service/${this.service.cluster.clusterName}/${this.service.serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: scaling.min,
      maxCapacity: scaling.max,
    });
    const metric = (
      id: string,
      namespace: string,
      metricName: string,
      dimensions: Record<string, string>,
      stat: string,
    ) => ({
      id,
      returnData: false,
      metricStat: {
        metric: {
          namespace,
          metricName,
          dimensions: Object.entries(dimensions).map(([name, value]) => ({ name, value })),
        },
        stat,
      },
    });
    new appscaling.CfnScalingPolicy(this, 'BacklogPerTask', {
      policyName: `${this.service.serviceName}-backlog-per-task`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scaling.messagesPerTask,
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
        customizedMetricSpecification: {
          metrics: [
            metric(
              'visible',
              'AWS/SQS',
              'ApproximateNumberOfMessagesVisible',
              { QueueName: this.queue.queueName },
              'Sum',
            ),
            metric(
              'running',
              'ECS/ContainerInsights',
              'RunningTaskCount',
              { ClusterName: this.service.cluster.clusterName, ServiceName: this.service.serviceName },
              'Average',
            ),
            {
              id: 'backlogPerTask',
              label: 'Messages waiting per running task',
              expression: 'visible / IF(running > 0, running, 1)',
              returnData: true,
            },
          ],
        },
      },
    });
  }

  private runningTasks(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: this.service.cluster.clusterName, ServiceName: this.service.serviceName },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
    });
  }

  private addAlarms(props: WorkerServiceProps): void {
    const { worker } = props;
    const action = new cwActions.SnsAction(props.alarmTopic);
    const alarms: cloudwatch.Alarm[] = [];
    if (this.deadLetterQueue) {
      alarms.push(
        this.deadLetterQueue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) })
          .createAlarm(this, 'DeadLettersAlarm', {
            alarmDescription: `${worker.name}: messages failed ${worker.maxReceiveCount} times and are in the dead-letter queue`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    alarms.push(
      this.queue
        .metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        })
        .createAlarm(this, 'OldestMessageAlarm', {
          alarmDescription: `${worker.name}: a message has waited longer than ${worker.oldestMessageAlarmSeconds} s; the worker is behind or stopped`,
          threshold: worker.oldestMessageAlarmSeconds,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      this.runningTasks().createAlarm(this, 'TasksBelowDesiredAlarm', {
        alarmDescription: `${worker.name}: fewer tasks running than the ${worker.scaling?.min ?? worker.desiredCount} wanted for 5 minutes`,
        threshold: worker.scaling?.min ?? worker.desiredCount,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // No data means no task reported at all: that is the outage this alarm is for.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    for (const alarm of alarms) alarm.addAlarmAction(action);
  }
}
