import type { App } from 'aws-cdk-lib';
import { DEFAULT_ENVIRONMENT, loadConfig, type PlatformConfig } from '../config';
import { checkStage } from './nag';
import { createPlatformStacks, type PlatformStacks } from './platform-stacks';

export interface BatchPlatformApp {
  readonly config: PlatformConfig;
  readonly stacks: PlatformStacks;
}

/** The environment named by `-c env=<name>`, or the default (sandbox). */
export function environmentName(app: App): string {
  const name: unknown = app.node.tryGetContext('env');
  return typeof name === 'string' && name.length > 0 ? name : DEFAULT_ENVIRONMENT;
}

/**
 * Builds batch-platform into `app` for the environment chosen by `-c env=<name>`.
 * Config is validated first; cdk-nag AwsSolutions checks every stack and an unacknowledged
 * finding fails synth.
 */
export function createApp(
  app: App,
  config: PlatformConfig = loadConfig(environmentName(app)),
): BatchPlatformApp {
  checkStage(app);
  return { config, stacks: createPlatformStacks(app, config) };
}
