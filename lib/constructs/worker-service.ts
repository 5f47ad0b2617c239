import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { WorkerConfig, WorkerPlatformVariable } from '../config/worker-schema';
import { containerImage } from './container-image';
import { containerSecret } from './container-secret';
import { LogsKey } from './logs-key';
import { accessNames, workerQueueNames } from '../schedule/naming';
import { addWorkerAlarms } from './worker-alarms';

export interface WorkerServiceProps {
  /** The environment's name; prefixes queue, service, log group and alarm names. */
  readonly environment: string;
  /** The validated entry of config/workers.ts, overrides for this environment applied. */
  readonly worker: WorkerConfig;
  /** The workers cluster, with the FARGATE and FARGATE_SPOT capacity providers enabled. */
  readonly cluster: ecs.ICluster;
  /** Attached to every task; tasks take no inbound traffic. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Where the worker's alarms publish (the platform alarm topic). */
  readonly alarmTopic: sns.ITopic;
  /** Retention of the worker's log group (the environment's logRetentionDays). */
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
  /**
   * Dead letters (own queues only), oldest message age, tasks below desired, and the worker's
   * own metrics: overdue messages, redeliveries held, receive stalls.
   */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const { worker, environment } = props;
    const name = `${environment}-${worker.name}`;
    const queueNames = workerQueueNames(environment, worker.name);

    if (worker.importedQueueArn) {
      this.queue = sqs.Queue.fromQueueArn(this, 'Queue', worker.importedQueueArn);
    } else {
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
        queueName: queueNames.deadLetterQueue,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14), // the longest SQS keeps a message: time to investigate
        // Only this worker's queue may dead-letter here (Control Tower CT.SQS.PR.1 asks a
        // dead-letter queue for this instead of a DLQ of its own). Named by ARN, not by
        // reference: the queue already refers to this one, and a reference back would be a cycle.
        redriveAllowPolicy: {
          sourceQueues: [
            sqs.Queue.fromQueueArn(
              this,
              'Source',
              Stack.of(this).formatArn({
                service: 'sqs',
                resource: queueNames.queue,
                arnFormat: ArnFormat.NO_RESOURCE_NAME,
              }),
            ),
          ],
        },
      });
      this.queue = new sqs.Queue(this, 'Queue', {
        queueName: queueNames.queue,
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
    // Typed by the reserved list, so every variable set here is one that config validation
    // keeps operators from setting (the compiler says when the two differ). Spread last all
    // the same: the worker must never read an operator's QUEUE_URL or deadline.
    const platformVariables: Record<WorkerPlatformVariable, string> = {
      WORKER_NAME: worker.name,
      ENVIRONMENT_NAME: environment,
      QUEUE_URL: this.queue.queueUrl,
      VISIBILITY_TIMEOUT_SECONDS: String(worker.visibilityTimeoutSeconds),
      MAX_PROCESSING_SECONDS: String(worker.maxProcessingSeconds),
    };
    const container = taskDefinition.addContainer('worker', {
      image: containerImage(this, 'Repository', worker.image),
      // The whole task's memory as the container's hard limit: Control Tower CT.ECS.PR.7
      // wants one on every container, and the worker is the task's only container.
      memoryLimitMiB: worker.memory,
      command: [...worker.command],
      environment: { ...worker.environment, ...platformVariables },
      secrets: Object.fromEntries(
        Object.entries(worker.secrets).map(([key, ref]) => [key, containerSecret(this, key, ref)]),
      ),
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: worker.name,
        logGroup: new logs.LogGroup(this, 'Logs', {
          logGroupName: `/batch-platform/${environment}/workers/${worker.name}`,
          retention: props.logRetention,
          encryptionKey: LogsKey.of(this),
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
    if (worker.access !== undefined) {
      // The profile's grants join the worker's own on its own role (AccessStack holds the
      // policy): workers sharing a profile do not share each other's queues.
      taskDefinition.taskRole.addManagedPolicy(
        iam.ManagedPolicy.fromManagedPolicyName(
          this,
          'Access',
          accessNames(environment).policy(worker.access),
        ),
      );
    }
    Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are scoped to the repository',
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'Plain environment holds only non-secret settings (names, queue URL, timeouts, target URL); config validation rejects secret-looking names and secrets come from Secrets Manager/SSM',
    });

    this.service = new ecs.FargateService(this, 'Service', {
      serviceName: name,
      cluster: props.cluster,
      taskDefinition,
      // A scaled worker leaves the count to Application Auto Scaling: CloudFormation re-applies
      // a DesiredCount in the template on every service update, which would undo a scale-out
      // in the middle of a backlog. A new service starts with one task; the target keeps min.
      desiredCount: worker.scaling ? undefined : worker.desiredCount,
      // `base` is placed first: the first task is on-demand, every further one on Spot.
      capacityProviderStrategies: [
        { capacityProvider: 'FARGATE', base: 1, weight: 0 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ],
      // A singleton's old task stops before its successor starts: never two copies. AZ
      // rebalancing starts a task before stopping one, so it is off for singletons.
      minHealthyPercent: worker.singleton ? 0 : 100,
      maxHealthyPercent: worker.singleton ? 100 : 200,
      availabilityZoneRebalancing: worker.singleton ? ecs.AvailabilityZoneRebalancing.DISABLED : undefined,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      assignPublicIp: false,
    });

    if (worker.scaling) this.addBacklogScaling(worker.scaling);
    this.alarms = addWorkerAlarms(this, {
      environment,
      name,
      worker,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      service: this.service,
      alarmTopic: props.alarmTopic,
    });
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
      // ECS's service-linked role, as `FargateService.autoScaleTaskCount` uses: a role created
      // here would hold no permission to change the service's desired count.
      role: iam.Role.fromRoleArn(
        this,
        'ScalingRole',
        Stack.of(this).formatArn({
          region: '',
          service: 'iam',
          resource: 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com',
          resourceName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
        }),
      ),
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
}
