import * as fs from 'node:fs';
import * as path from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig, type PlatformConfig } from '../../lib/config';
import { createApp, type BatchPlatformApp } from '../../lib/stages/create-app';
import { GUARD_PLUGIN_NAME } from '../../lib/stages/guard';
import { testApp, type TestAppOptions } from './cdk-context';

export interface SynthesizedPlatform extends BatchPlatformApp {
  readonly app: App;
  /** Template of each stack by construct id (`Network`, ...). */
  readonly templates: Record<string, Template>;
  /** cdk-nag AwsSolutions findings as `<rule> at <construct path>`; empty when clean. */
  readonly nagFindings: string[];
  /** Control Tower (cfn-guard) findings as `<control> <rule> at <construct path>`; empty when clean. */
  readonly guardFindings: string[];
}

export type SynthOptions = TestAppOptions;

const cache = new Map<string, SynthesizedPlatform>();

/** Synthesizes the platform for `config` once per test file run and configuration. */
export function synthPlatform(
  config: PlatformConfig | string = 'sandbox',
  options: SynthOptions = {},
): SynthesizedPlatform {
  const resolved = typeof config === 'string' ? loadConfig(config) : config;
  const key = `${JSON.stringify(resolved)}|${options.bundle ? 'bundle' : 'nobundle'}|${options.cloudFormationValidation ? 'cfn' : 'nocfn'}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const app = testApp(options);
  const built = createApp(app, resolved);
  const assembly = app.synth();
  const templates: Record<string, Template> = {};
  for (const child of app.node.children) {
    if (Stack.isStack(child)) templates[child.node.id] = Template.fromStack(child);
  }
  const result: SynthesizedPlatform = {
    ...built,
    app,
    templates,
    nagFindings: readNagFindings(assembly.directory),
    guardFindings: readGuardFindings(assembly.directory),
  };
  cache.set(key, result);
  return result;
}

interface Violation {
  ruleName: string;
  description?: string;
  violatingConstructs: { constructPath?: string }[];
}
interface ValidationReport {
  pluginReports: { pluginName: string; violations: Violation[] }[];
}

/** Each violating construct of `pluginName`'s report, rendered by `render`, sorted. */
function readFindings(
  assemblyDir: string,
  pluginName: string,
  render: (violation: Violation, constructPath: string) => string,
): string[] {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport;
  return report.pluginReports
    .filter((r) => r.pluginName === pluginName)
    .flatMap((r) =>
      r.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => render(v, c.constructPath || '<unknown>')),
      ),
    )
    .sort();
}

/** Reads the AwsSolutions findings CDK wrote to validation-report.json in the assembly. */
export function readNagFindings(assemblyDir: string): string[] {
  return readFindings(assemblyDir, 'AwsSolutions', (v, at) => `${v.ruleName} at ${at}`);
}

/**
 * Reads the Control Tower findings (cfn-guard) of the same report. The control id (e.g.
 * `CT.CLOUDWATCH.PR.3`) comes from the description, the rule name is what an exemption names.
 */
export function readGuardFindings(assemblyDir: string): string[] {
  return readFindings(assemblyDir, GUARD_PLUGIN_NAME, (v, at) => {
    const control = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(v.description ?? '')?.[1] ?? 'CT.?';
    return `${control} ${v.ruleName} at ${at}`;
  });
}
