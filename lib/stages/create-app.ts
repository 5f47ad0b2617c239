import type { App } from 'aws-cdk-lib';
import { configFiles, loadConfig, type ConfigSources, type PlatformConfig } from '../config';
import { PIPELINE_ENVIRONMENT } from '../config/environment-schema';
import { PipelineStack } from '../stacks/pipeline-stack';
import { checkStage } from './nag';
import { createPlatformStacks, type PlatformStacks } from './platform-stacks';

export interface BatchPlatformApp {
  readonly config: PlatformConfig;
  readonly stacks: PlatformStacks;
}

/** The pseudo-environment that synthesizes the delivery pipeline in the tooling account. */
export { PIPELINE_ENVIRONMENT };

/** The environment named by `-c env=<name>`, or the config's default (sandbox). */
export function environmentName(app: App, sources: ConfigSources = configFiles): string {
  const name: unknown = app.node.tryGetContext('env');
  return typeof name === 'string' && name.length > 0 ? name : sources.defaultEnvironment;
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
  checkStage(app); // stacks placed directly in the app
  return { config, stacks: createPlatformStacks(app, config) };
}

/**
 * `-c env=tooling`: the pipeline that deploys `tooling.stages` in order, from config/ unless
 * `sources` says otherwise (the tests' fixture config).
 */
export function createPipelineApp(app: App, sources: ConfigSources = configFiles): PipelineStack {
  checkStage(app);
  // Validation checks that every one of tooling.stages is an environment, and not tooling.
  const { tooling } = loadConfig(sources.defaultEnvironment, sources);
  return new PipelineStack(app, 'Pipeline', {
    env: { account: tooling.account, region: tooling.region },
    stackName: 'batch-platform-pipeline',
    description: `batch-platform delivery pipeline: ${tooling.stages.join(' -> ')}`,
    terminationProtection: true,
    tooling,
    stages: tooling.stages.map((name) => loadConfig(name, sources)),
  });
}

/**
 * What `bin/app.ts` runs: the pipeline for `-c env=tooling`, otherwise one environment, from
 * config/ unless `sources` says otherwise. Returns the config of each environment built, for
 * the warnings `cdk synth` prints.
 */
export function buildApp(app: App, sources: ConfigSources = configFiles): readonly PlatformConfig[] {
  const name = environmentName(app, sources);
  if (name === PIPELINE_ENVIRONMENT) {
    return createPipelineApp(app, sources).stages.map((stage) => stage.config);
  }
  return [createApp(app, loadConfig(name, sources)).config];
}
