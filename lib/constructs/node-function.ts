import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { exemptGuardRule } from '../stages/guard';
import { bundledCode, type BundleConstants } from './lambda-bundle';
import { LogsKey } from './logs-key';

export interface NodeFunctionProps {
  /** Folder under lambda/ holding `handler.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  /** Constants generated at synth and written into the bundle (see `BundleConstants`). */
  readonly bundleConstants?: BundleConstants;
  readonly logRetention: logs.RetentionDays;
  /** VPC whose private subnets the function runs in. */
  readonly vpc: ec2.IVpc;
  /**
   * Longest a single invocation may run.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Whether the log group survives stack deletion.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The one set of defaults for every batch-platform Lambda: current Node runtime on arm64,
 * esbuild bundle (minified, source maps; see `bundledCode`), its own log group with
 * retention, and a role with no managed policies so each function holds only what it is
 * granted.
 */
export class NodeFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: LogsKey.of(this),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grantWrite(this.role);
    // VPC functions need to manage their ENIs; the managed policy for this is scoped by AWS
    // to exactly these EC2 actions, which cannot be narrowed to resources.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'EC2 network-interface actions for running in the VPC and X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions',
    });

    const runtime = lambda.Runtime.NODEJS_24_X;
    this.function = new lambda.Function(this, 'Function', {
      code: bundledCode(
        path.join(__dirname, '..', '..', 'lambda', props.entry, 'handler.ts'),
        runtime,
        props.bundleConstants,
      ),
      handler: 'index.handler',
      description: props.description,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    if (Stack.of(props.vpc) !== Stack.of(this)) {
      exemptGuardRule(
        this.function,
        'lambda_inside_vpc_check',
        'The function runs in the private subnets of the VPC in another stack: its SubnetIds are cross-stack references, which the control checked on a template cannot follow (it accepts only strings or references to subnets in the same template). The CloudFormation hook sees them resolved to subnet ids.',
      );
    }
  }
}
