import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesized } from '../support/synth';

describe.each([
  { env: 'sandbox', nat: 1, cidr: '10.10.0.0/16' },
  { env: 'staging', nat: 1, cidr: '10.20.0.0/16' },
  { env: 'production', nat: 2, cidr: '10.30.0.0/16' },
] as const)('NetworkStack in $env', ({ env, nat, cidr }) => {
  const template = () => synthesized(env).templates['Network']!;

  it('uses the configured CIDR over two explicit zones, with public and private subnets', () => {
    template().hasResourceProperties('AWS::EC2::VPC', { CidrBlock: cidr });
    template().resourceCountIs('AWS::EC2::Subnet', 4);
    for (const az of ['ap-northeast-1a', 'ap-northeast-1c']) {
      template().hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: az });
    }
  });

  it('gives nothing a public IP on launch, in public subnets too (NAT gateways have their EIPs)', () => {
    type Subnet = { Properties: { MapPublicIpOnLaunch?: boolean } };
    const subnets = Object.values(template().findResources('AWS::EC2::Subnet')) as Subnet[];
    expect(subnets.map((s) => s.Properties.MapPublicIpOnLaunch)).toEqual([false, false, false, false]);
  });

  it(`has ${nat} NAT gateway(s), each on an Elastic IP declared and retained by the stack`, () => {
    template().resourceCountIs('AWS::EC2::NatGateway', nat);
    template().resourceCountIs('AWS::EC2::EIP', nat);
    const eips = template().findResources('AWS::EC2::EIP');
    for (const [logicalId, eip] of Object.entries(eips)) {
      expect(eip['DeletionPolicy']).toBe('Retain');
      template().hasResourceProperties('AWS::EC2::NatGateway', {
        AllocationId: { 'Fn::GetAtt': [logicalId, 'AllocationId'] },
      });
    }
  });

  it('exports each egress address for partners to allow-list', () => {
    const outputs = template().findOutputs('*', { Value: { Ref: Match.stringLikeRegexp('EgressIp') } });
    expect(Object.keys(outputs)).toHaveLength(nat);
  });

  it('sends every flow to a log group with retention', () => {
    template().hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('encrypts the flow logs with a rotated key of this stack that only CloudWatch Logs may use', () => {
    const keys = template().findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(1);
    const [keyId] = Object.keys(keys);
    template().hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template().hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.ap-northeast-1.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': Match.stringLikeRegexp(
                  ':logs:ap-northeast-1:\\d{12}:log-group:\\*$',
                ),
              },
            },
          }),
        ]),
      },
    });
  });

  it('keeps S3 and DynamoDB traffic off the NAT gateway with gateway endpoints', () => {
    type Endpoint = { Properties: { VpcEndpointType: string; ServiceName: unknown } };
    const endpoints = Object.values(template().findResources('AWS::EC2::VPCEndpoint')) as Endpoint[];
    expect(endpoints.map((e) => e.Properties.VpcEndpointType)).toEqual(['Gateway', 'Gateway']);
    const services = endpoints.map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(services.some((s) => s.includes('.s3'))).toBe(true);
    expect(services.some((s) => s.includes('.dynamodb'))).toBe(true);
  });

  it('strips the rules from the default security group', () => {
    template().resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });
});

describe('NetworkStack retention', () => {
  it('keeps the flow logs a year in production and deletes them with the stack elsewhere', () => {
    const prod = synthesized('production').templates['Network']!;
    prod.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365 },
    });
    const sandbox = synthesized('sandbox').templates['Network']!;
    sandbox.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Delete',
      Properties: { RetentionInDays: 365 }, // Control Tower's floor applies to every environment
    });
  });
});
