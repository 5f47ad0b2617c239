import { ArnFormat, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { denyGrantsExceptForAwsServices } from '../constructs/key-policy';
import { jobNames, workerClusterName } from '../schedule/naming';

export interface PlatformStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
}

/**
 * What scheduled jobs and resident workers build on: one ECS cluster each, and the alarm topic.
 * Jobs and workers run in separate clusters so that the job runner's StopTask and ListTasks,
 * scoped to the jobs cluster, can never reach a worker's task.
 */
export class PlatformStack extends Stack {
  /** Scheduled jobs' tasks: only the job runner starts and stops tasks here. */
  public readonly jobsCluster: ecs.Cluster;
  /** Resident workers' services. */
  public readonly workersCluster: ecs.Cluster;
  /** Every platform alarm goes here; chat notifications subscribe to it. */
  public readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;

    const cluster = (id: string, clusterName: string) =>
      new ecs.Cluster(this, id, {
        clusterName,
        vpc: props.vpc,
        enableFargateCapacityProviders: true, // FARGATE and FARGATE_SPOT
        containerInsightsV2: ecs.ContainerInsights.ENABLED,
      });
    this.jobsCluster = cluster('JobsCluster', jobNames(config.name).cluster);
    this.workersCluster = cluster('WorkersCluster', workerClusterName(config.name));

    // A customer managed key, because CloudWatch alarms cannot publish to a topic encrypted
    // with the AWS managed alias/aws/sns key (its policy cannot be changed to admit them).
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `batch-platform ${config.name}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, "*" means this key
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    denyGrantsExceptForAwsServices(alarmKey);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${config.name}-batch-alarms`,
      displayName: `batch-platform ${config.name} alarms`,
      masterKey: alarmKey,
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy holding only its Deny, and any topic policy replaces
    // SNS's default one: without this Allow, CloudWatch (a service principal, so no identity
    // policy can grant it) may not publish, and no alarm would ever arrive. Scoped to this
    // account's alarms against the confused deputy.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    // The path that works when Slack or the notifier does not (each address confirms once).
    for (const address of config.alarmEmails ?? []) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(address));
    }
  }
}
