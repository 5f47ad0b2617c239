import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { EgressVpc } from '../constructs/egress-vpc';

export interface NetworkStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** The VPC every task and function runs in, with a fixed egress address. */
export class NetworkStack extends Stack {
  public readonly vpc: ec2.IVpc;
  private readonly zones: readonly string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.zones = config.availabilityZones;
    const network = new EgressVpc(this, 'Network', {
      cidr: config.vpcCidr,
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways,
      flowLogRetention: config.logRetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.vpc = network.vpc;
  }

  /**
   * The zones from config. Without this override a stack with a concrete account asks
   * EC2 for its zones at synth, which needs credentials and breaks offline synth.
   */
  override get availabilityZones(): string[] {
    return [...this.zones];
  }
}
