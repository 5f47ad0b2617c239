import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, WorkerConfig } from '../config';
import { buildEntry } from '../config/config-error';
import { WorkerService } from '../constructs/worker-service';

export interface WorkersStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly workers: readonly WorkerConfig[];
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  readonly alarmTopic: sns.ITopic;
}

/** Every resident SQS worker of config/workers.ts, one ECS service each. */
export class WorkersStack extends Stack {
  public readonly services: readonly WorkerService[];

  constructor(scope: Construct, id: string, props: WorkersStackProps) {
    super(scope, id, props);
    const securityGroup = new ec2.SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc: props.vpc,
      description: 'SQS workers: no inbound, outbound through the NAT gateway',
      allowAllOutbound: true,
    });
    this.services = props.workers.map((worker) =>
      buildEntry(
        'config/workers.ts',
        'worker',
        worker.name,
        () =>
          new WorkerService(this, worker.name, {
            environment: props.config.name,
            worker,
            cluster: props.cluster,
            securityGroup,
            alarmTopic: props.alarmTopic,
            logRetention: props.config.logRetentionDays,
            removalPolicy: props.config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
          }),
      ),
    );
  }
}
