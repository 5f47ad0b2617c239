import * as path from 'node:path';
import type { StackTemplate } from '../contract/iam/cfn';
import type { CloudFormationFindings } from './validation-report';

/**
 * The fixture configurations the suite synthesizes once per run, heaviest first so the
 * global setup's processes share them evenly (test/support/configurations.ts builds each).
 */
export const CONFIGURATION_NAMES = ['tooling', 'sandbox', 'staging', 'production'] as const;
export type ConfigurationName = (typeof CONFIGURATION_NAMES)[number];

/** What the global setup calls the shipped config/'s synthesis (test/support/shipped.ts). */
export const SHIPPED = 'shipped';

/** What one synthesis of a configuration produced, as plain JSON. */
export interface SynthesisResult {
  /** Every stack, as deployed (the contract tests' shape: path, name, account, region, template). */
  readonly stacks: StackTemplate[];
  /** cdk-nag AwsSolutions findings as `<rule> at <construct path>`; empty when clean. */
  readonly nagFindings: string[];
  /** Control Tower (cfn-guard) findings as `<control> <rule> at <construct path>`; empty when clean. */
  readonly guardFindings: string[];
  /** CDK's built-in CloudFormation validation, which the shared synthesis runs as `cdk synth` does. */
  readonly cloudFormationFindings: CloudFormationFindings;
}

/** The file holding configuration `name`'s synthesis under the suite's synthesis directory. */
export function resultFile(dir: string, name: ConfigurationName): string {
  return path.join(dir, `${name}.json`);
}
