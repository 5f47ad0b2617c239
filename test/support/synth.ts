import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig, type PlatformConfig } from '../../lib/config';
import { createApp, type BatchPlatformApp } from '../../lib/stages/create-app';
import { cdkJsonContext } from './cdk-context';

export interface SynthesizedPlatform extends BatchPlatformApp {
  readonly app: App;
  /** Template of each stack by construct id (`Network`, ...). */
  readonly templates: Record<string, Template>;
  /** cdk-nag AwsSolutions findings as `<rule> at <construct path>`; empty when clean. */
  readonly nagFindings: string[];
}

export interface SynthOptions {
  /** Bundle Lambda code with esbuild. Off by default: unit tests assert templates, not bundles. */
  readonly bundle?: boolean;
}

const cache = new Map<string, SynthesizedPlatform>();

/** Synthesizes the platform for `config` once per test file run and configuration. */
export function synthPlatform(
  config: PlatformConfig | string = 'sandbox',
  options: SynthOptions = {},
): SynthesizedPlatform {
  const resolved = typeof config === 'string' ? loadConfig(config) : config;
  const key = `${JSON.stringify(resolved)}|${options.bundle ? 'bundle' : 'nobundle'}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      // Report nag findings in the assembly instead of throwing, so a test can list them.
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
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
  };
  cache.set(key, result);
  return result;
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/** Reads the AwsSolutions findings CDK wrote to validation-report.json in the assembly. */
export function readNagFindings(assemblyDir: string): string[] {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport;
  return report.pluginReports
    .filter((r) => r.pluginName === 'AwsSolutions')
    .flatMap((r) =>
      r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
    )
    .sort();
}
