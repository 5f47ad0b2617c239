import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import type { EnvironmentConfig, ToolingConfig } from '../../lib/config';
import { awsErrorName, blocker, couldNotCheck, ok, type Finding } from './findings';

export interface BootstrapRequirement {
  /** The lowest bootstrap stack version this aws-cdk-lib's templates accept. */
  readonly version: number;
  /** Where the bootstrap stack publishes its version, e.g. /cdk-bootstrap/hnb659fds/version. */
  readonly parameter: string;
}

/**
 * What the installed aws-cdk-lib requires, read from a synthesized stack rather than written
 * down here: its template carries the CheckBootstrapVersion rule and its manifest entry the
 * same number (6 for aws-cdk-lib 2.276), so upgrading aws-cdk-lib updates the check. cdk.json's
 * context is applied, so a custom bootstrap qualifier changes the parameter name too. Offline,
 * well under a second.
 */
export function requiredBootstrap(env: EnvironmentConfig): BootstrapRequirement {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-bootstrap-'));
  try {
    const cdkJson = path.join(__dirname, '..', '..', 'cdk.json');
    const { context } = JSON.parse(fs.readFileSync(cdkJson, 'utf8')) as { context?: Record<string, unknown> };
    // A probe, not a deployment: CDK's CloudFormation validation would only add ~2 s of engine start.
    const app = new App({ outdir, context: context ?? {}, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'BootstrapProbe', { env: { account: env.account, region: env.region } });
    // One resource, because CloudFormation rejects (and CDK warns about) an empty template.
    new CfnWaitConditionHandle(stack, 'Probe');
    const artifact = app.synth().getStackArtifact(stack.artifactId);
    const version = artifact.requiresBootstrapStackVersion;
    const parameter = artifact.bootstrapStackVersionSsmParameter;
    if (version === undefined || parameter === undefined) {
      throw new Error('aws-cdk-lib synthesized a stack without a bootstrap version requirement');
    }
    return { version, parameter };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The bootstrap command for this environment; pipeline stages must trust the tooling account. */
export function bootstrapCommand(env: EnvironmentConfig, tooling: ToolingConfig): string {
  const base = `npx cdk bootstrap aws://${env.account}/${env.region}`;
  return tooling.stages.includes(env.name)
    ? `${base} --trust ${tooling.account} --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess`
    : base;
}

export async function checkBootstrap(
  env: EnvironmentConfig,
  tooling: ToolingConfig,
  required: BootstrapRequirement,
  ssm: SSMClient,
): Promise<Finding[]> {
  const where = `${env.account} ${env.region}`;
  const fix = bootstrapCommand(env, tooling);
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: required.parameter }));
    const version = Number(Parameter?.Value);
    if (!Number.isInteger(version)) {
      return [
        blocker(`CDK bootstrap version in ${required.parameter} is "${Parameter?.Value}", not a number`, fix),
      ];
    }
    if (version < required.version) {
      return [
        blocker(
          `CDK bootstrap of ${where} is version ${version}; this aws-cdk-lib needs ${required.version} or later`,
          `bootstrap again with the project's CLI: ${fix}`,
        ),
      ];
    }
    return [ok(`CDK bootstrap of ${where} is version ${version} (needs ${required.version} or later)`)];
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound') {
      return [blocker(`${where} is not CDK-bootstrapped (no ${required.parameter})`, fix)];
    }
    return [couldNotCheck(`the CDK bootstrap version (${required.parameter})`, error, 'ssm:GetParameter')];
  }
}
