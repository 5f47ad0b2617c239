import * as fs from 'node:fs';
import * as path from 'node:path';
import { type App, Stack, Stage } from 'aws-cdk-lib';
import { loadConfig } from '../../lib/config';
import { createApp, createPipelineApp } from '../../lib/stages/create-app';
import { FIXTURE_CONFIG } from '../fixtures/config';
import { testApp } from './cdk-context';
import { resultFile, type ConfigurationName, type SynthesisResult } from './synth-result';
import { readCloudFormationFindings, readGuardFindings, readNagFindings } from './validation-report';

/**
 * Every app the suite asserts on, by name, all of the fixture config (test/fixtures/config/):
 * each environment as `cdk synth -c env=<name>` builds it, and `tooling`, the pipeline with
 * the stages it deploys. The suite synthesizes each once per run
 * (test/support/global-synth.ts) and test files read the result.
 */
export const CONFIGURATIONS = {
  sandbox: (app: App) => void createApp(app, loadConfig('sandbox', FIXTURE_CONFIG)),
  staging: (app: App) => void createApp(app, loadConfig('staging', FIXTURE_CONFIG)),
  production: (app: App) => void createApp(app, loadConfig('production', FIXTURE_CONFIG)),
  tooling: (app: App) => void createPipelineApp(app, FIXTURE_CONFIG),
} satisfies Record<ConfigurationName, (app: App) => void>;

/**
 * Synthesizes configuration `name` exactly as `cdk synth` does, Lambda bundling aside (the
 * bundling test proves that), and writes its result to `resultFile(dir, name)`.
 */
export function synthesizeConfiguration(name: ConfigurationName, dir: string): void {
  const app = testApp({ cloudFormationValidation: true, outdir: path.join(dir, name) });
  CONFIGURATIONS[name](app);
  const assembly = app.synth();
  const stacks = app.node
    .findAll()
    .filter((c): c is Stack => Stack.isStack(c))
    .map((stack) => ({
      path: stack.node.path,
      stackName: stack.stackName,
      account: stack.account,
      region: stack.region,
      template: Stage.of(stack)!.synth().getStackArtifact(stack.artifactId).template as Record<
        string,
        unknown
      >,
    }));
  const cloudFormationFindings = readCloudFormationFindings(assembly.directory);
  if (!cloudFormationFindings)
    throw new Error(`${name}: CDK's built-in CloudFormation validation did not run`);
  const result: SynthesisResult = {
    stacks,
    nagFindings: readNagFindings(assembly.directory),
    guardFindings: readGuardFindings(assembly.directory),
    cloudFormationFindings,
  };
  fs.writeFileSync(resultFile(dir, name), JSON.stringify(result));
}
