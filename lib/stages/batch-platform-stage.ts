import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config';
import { checkStage } from './nag';
import { createPlatformStacks, type PlatformStacks } from './platform-stacks';

export interface BatchPlatformStageProps extends StageProps {
  readonly config: PlatformConfig;
}

/** Every stack of one environment, as the pipeline deploys it. */
export class BatchPlatformStage extends Stage {
  public readonly config: PlatformConfig;
  public readonly stacks: PlatformStacks;

  constructor(scope: Construct, id: string, props: BatchPlatformStageProps) {
    super(scope, id, props);
    checkStage(this);
    this.config = props.config;
    this.stacks = createPlatformStacks(this, props.config);
  }
}
