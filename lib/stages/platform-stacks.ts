import { Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config';
import { NetworkStack } from '../stacks/network-stack';

/** Typed handles on every stack of one environment. */
export interface PlatformStacks {
  readonly network: NetworkStack;
}

/**
 * The one place that wires batch-platform's stacks together. `createApp` calls it on the
 * App (so a plain `cdk synth`/`cdk diff` selects every stack) and `BatchPlatformStage` calls
 * it inside the pipeline. Stack names are `<env>-<Stack>` either way, so `cdk diff` in a pull
 * request compares exactly the stacks the pipeline deploys.
 */
export function createPlatformStacks(scope: Construct, config: PlatformConfig): PlatformStacks {
  const { environment } = config;
  const env = { account: environment.account, region: environment.region };
  const stackProps = (name: string, description: string) => ({
    env,
    stackName: `${environment.name}-${name}`,
    description: `batch-platform ${environment.name}: ${description}`,
    terminationProtection: environment.retainData,
  });

  const network = new NetworkStack(scope, 'Network', {
    ...stackProps('Network', 'VPC with fixed egress IPs'),
    config: environment,
  });

  Tags.of(scope).add('batch-platform:environment', environment.name);
  return { network };
}
