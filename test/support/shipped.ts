import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { ConfigError, configFiles, loadConfig } from '../../lib/config';
import { toolingSchema } from '../../lib/config/tooling-schema';
import { createApp, createPipelineApp, PIPELINE_ENVIRONMENT } from '../../lib/stages/create-app';
import { testApp } from './cdk-context';
import { readValidationReport } from './validation-report';

/**
 * The shipped config/ synthesized as `cdk synth` would, by the same global setup as the
 * fixture (test/support/global-synth.ts), for test/shipped-config.test.ts: the one test a
 * config pull request can fail.
 */
export type ShippedResult =
  | { readonly apps: readonly ShippedApp[] }
  /** The synthesis process died (a bug in the suite or lib/, not a config problem). */
  | { readonly crashed: string };

export interface ShippedApp {
  /** `tooling` (the pipeline) or an environment the pipeline does not deploy. */
  readonly name: string;
  /** The environments this app synthesized: the pipeline's stages, or the environment itself. */
  readonly environments: readonly string[];
  /**
   * Everything that would stop a deploy, one line each, for an operator: a ConfigError's
   * problems (`config/schedules.ts: <job>.<field>: <fix>`), another error's message (never a
   * stack), or a validation finding (`<plugin>: <rule> at <construct path>`). Empty when clean.
   */
  readonly problems: readonly string[];
}

/** The file of the shipped config's result under the suite's synthesis directory. */
export function shippedResultFile(dir: string): string {
  return path.join(dir, 'shipped.json');
}

/** Writes the result whole (a rename), so the test that waits for the file never reads half. */
export function writeShippedResult(dir: string, result: ShippedResult): void {
  const file = shippedResultFile(dir);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * The apps that cover every environment of config/ once: the pipeline, whose stages are
 * built by the same wiring as `cdk synth -c env=<stage>` and checked by the same cdk-nag,
 * Control Tower and template-limit checks (lib/stages/nag.ts), and each environment it does
 * not deploy. When the tooling block itself is invalid, every environment stands alone.
 */
export function shippedApps(): { name: string; environments: string[] }[] {
  const environments = Object.keys(configFiles.environments);
  const tooling = toolingSchema.safeParse(configFiles.tooling);
  const stages = tooling.success ? tooling.data.stages.filter((s) => environments.includes(s)) : [];
  return [
    { name: PIPELINE_ENVIRONMENT, environments: stages },
    ...environments.filter((e) => !stages.includes(e)).map((e) => ({ name: e, environments: [e] })),
  ];
}

function build(app: App, name: string): void {
  if (name === PIPELINE_ENVIRONMENT) createPipelineApp(app);
  else createApp(app, loadConfig(name));
}

/** What stops `name` from deploying: see `ShippedApp.problems`. */
function problemsOf(name: string, dir: string): string[] {
  const app = testApp({ cloudFormationValidation: true, outdir: path.join(dir, `shipped-${name}`) });
  let assemblyDir: string;
  try {
    build(app, name);
    assemblyDir = app.synth().directory;
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${error.file}: ${p}`);
    return [`${name} does not synthesize: ${error instanceof Error ? error.message : String(error)}`];
  }
  const report = readValidationReport(assemblyDir);
  if (!report.some((r) => r.pluginName === 'CloudFormation Validate')) {
    return [`${name}: CDK's built-in CloudFormation validation did not run`];
  }
  return report.flatMap((r) =>
    r.violations
      // W3010: availability zones come from config on purpose, so synth needs no lookup.
      .filter((v) => !(r.pluginName === 'CloudFormation Validate' && v.ruleName === 'W3010'))
      .flatMap((v) =>
        v.violatingConstructs.map(
          (c) => `${r.pluginName}: ${v.ruleName} at ${c.constructPath || '<unknown>'}`,
        ),
      ),
  );
}

/** Synthesizes every app of the shipped config/ and writes what stops each from deploying. */
export function synthesizeShipped(dir: string): void {
  const apps = shippedApps().map(({ name, environments }) => ({
    name,
    environments,
    problems: problemsOf(name, dir),
  }));
  writeShippedResult(dir, { apps });
}
