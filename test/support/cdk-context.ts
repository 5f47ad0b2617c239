import { App } from 'aws-cdk-lib';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTROL_TOWER_CONTEXT } from '../../lib/stages/guard';

/**
 * The context of cdk.json (feature flags and settings). The CLI passes it to the app; an
 * `App` built in a test or the benchmark does not read it, so they pass it explicitly and
 * synthesize exactly what `cdk synth` does.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(__dirname, '..', '..', 'cdk.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context: Record<string, unknown> }).context;
}

export interface TestAppOptions {
  /** Bundle Lambda code with esbuild. Off: unit tests assert templates, not bundles. */
  readonly bundle?: boolean;
  /**
   * Run CDK's built-in CloudFormation validation (the schema check `cdk synth` runs). It
   * costs seconds per app, so unit synths skip it; test/synth-validation.test.ts runs it
   * for every environment, and CI's `cdk synth` runs it again.
   */
  readonly cloudFormationValidation?: boolean;
  /** Where the cloud assembly goes. @default a new temporary directory */
  readonly outdir?: string;
}

/**
 * An App as `cdk synth` builds it (cdk.json's context), for tests: with the Control Tower
 * checks, and validation findings written to the assembly's report instead of thrown, so a
 * test can list them.
 */
export function testApp(options: TestAppOptions = {}): App {
  return new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    context: {
      ...cdkJsonContext(),
      // Every synthesis in the tests runs the Control Tower checks (off in a plain cdk synth).
      [CONTROL_TOWER_CONTEXT]: true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
}

/**
 * A bare App to probe one check (cdk-nag, cfn-guard) with a resource or two: no cdk.json
 * context and no CloudFormation validation, whose engine would take seconds to start.
 * Findings fail synth, as in a real app, unless `reportOnly` has them written to the report.
 */
export function probeApp(options: { reportOnly?: boolean } = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: {
      [CONTROL_TOWER_CONTEXT]: true,
      ...(options.reportOnly ? { '@aws-cdk/core:failSynthOnValidationErrors': false } : {}),
    },
  });
}
