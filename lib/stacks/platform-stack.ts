import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { jobNames } from '../schedule/naming';

export interface PlatformStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
}

/** What scheduled jobs and resident workers share: the ECS cluster and the alarm topic. */
export class PlatformStack extends Stack {
  public readonly cluster: ecs.Cluster;
  /** Every platform alarm goes here; chat notifications subscribe to it. */
  public readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: jobNames(config.name).cluster,
      vpc: props.vpc,
      enableFargateCapacityProviders: true, // FARGATE and FARGATE_SPOT
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

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
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${config.name}-batch-alarms`,
      displayName: `batch-platform ${config.name} alarms`,
      masterKey: alarmKey,
      enforceSSL: true,
    });
  }
}
