import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { exemptGuardRule } from '../stages/guard';
import { LogsKey } from './logs-key';

export interface EgressVpcProps {
  /** IPv4 block of the VPC, e.g. `10.10.0.0/16`. */
  readonly cidr: string;
  /** Availability zones the subnets are spread over (explicit: synth needs no lookup). */
  readonly availabilityZones: readonly string[];
  /** NAT gateways, each with its own Elastic IP; at most one per zone. */
  readonly natGateways: number;
  /** Retention of the VPC flow log group. */
  readonly flowLogRetention: logs.RetentionDays;
  /**
   * Whether the flow log group survives stack deletion.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A VPC whose outbound traffic leaves through NAT gateways with Elastic IPs declared here,
 * so partners can allow-list fixed addresses that survive NAT gateway replacement.
 *
 * Gateway endpoints keep S3 (ECR image layers) and DynamoDB (leases, run records) traffic
 * off the NAT gateway, which bills per GB.
 */
export class EgressVpc extends Construct {
  public readonly vpc: ec2.Vpc;
  /** The public addresses outbound traffic comes from. */
  public readonly egressIps: readonly ec2.CfnEIP[];

  constructor(scope: Construct, id: string, props: EgressVpcProps) {
    super(scope, id);

    // Declared here rather than left to the NAT provider, so the addresses are named,
    // exported and kept (Retain) if the VPC is ever rebuilt: partners have them on file.
    this.egressIps = Array.from({ length: props.natGateways }, (_, i) => {
      const eip = new ec2.CfnEIP(this, `EgressIp${i + 1}`, {
        domain: 'vpc',
        tags: [{ key: 'Name', value: `${id}-egress-${i + 1}` }],
      });
      eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
      return eip;
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      natGateways: props.natGateways,
      natGatewayProvider: ec2.NatProvider.gateway({
        eipAllocationIds: this.egressIps.map((eip) => eip.attrAllocationId),
      }),
      subnetConfiguration: [
        // Only the NAT gateways live here, on the Elastic IPs above; nothing launched in these
        // subnets gets a public address by accident (Control Tower CT.EC2.PR.11).
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });

    exemptRestrictDefaultSgProvider(this.vpc);

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention,
      encryptionKey: LogsKey.of(this),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.egressIps.forEach((eip, i) => {
      new CfnOutput(this, `EgressIpAddress${i + 1}`, {
        value: eip.ref, // Ref of AWS::EC2::EIP is the public address
        description: `Fixed egress address ${i + 1} of ${props.natGateways}: give it to partners to allow-list`,
      });
    });
  }
}

/**
 * `restrictDefaultSecurityGroup` removes the default security group's rules through a custom
 * resource whose handler CDK creates once per stack (a `CustomResourceProvider`, which has no
 * VPC option). It runs only during deploys, calls the EC2 API and handles no data, so keeping
 * it outside the VPC it edits is what Control Tower CT.LAMBDA.PR.3 does not foresee. If the
 * organisation enforces that control as a hook, ask for an exception for this handler or set
 * `restrictDefaultSecurityGroup: false` and strip the default group's rules once by hand.
 */
function exemptRestrictDefaultSgProvider(vpc: ec2.Vpc): void {
  const provider = Stack.of(vpc).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  if (!provider)
    throw new Error('EgressVpc: the restrict-default-security-group provider moved; update the exemption');
  exemptGuardRule(
    provider,
    'lambda_inside_vpc_check',
    "CDK's deploy-time handler that revokes the default security group's rules: a CustomResourceProvider cannot be placed in a VPC, and it handles no data",
  );
}
