import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipelineApp } from '../lib/stages/create-app';
import { testApp } from './support/cdk-context';
import { readGuardFindings, readNagFindings, synthPlatform } from './support/synth';

interface Report {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; severity?: string }[];
  }[];
}

/** What CDK's built-in CloudFormation validation (cfn-lint rules) reported, by severity. */
function cloudFormationFindings(assemblyDir: string) {
  const report = JSON.parse(
    fs.readFileSync(path.join(assemblyDir, 'validation-report.json'), 'utf8'),
  ) as Report;
  const builtin = report.pluginReports.find((r) => r.pluginName === 'CloudFormation Validate');
  if (!builtin) throw new Error('the built-in CloudFormation validation did not run');
  const rules = (severity: (s?: string) => boolean) =>
    [...new Set(builtin.violations.filter((v) => severity(v.severity)).map((v) => v.ruleName))].sort();
  return { errors: rules((s) => s !== 'warning'), warnings: rules((s) => s === 'warning') };
}

// Unit synths skip CDK's built-in CloudFormation validation (seconds per app); this is the one
// test that runs it, for every environment and the pipeline, as `cdk synth` does. The only
// warning is W3010: availability zones come from config on purpose, so synth needs no lookup.
describe('CDK’s built-in CloudFormation validation', () => {
  it.each(['sandbox', 'staging', 'production'])('passes every stack of %s', (env) => {
    const { app, nagFindings } = synthPlatform(env, { cloudFormationValidation: true });
    expect(cloudFormationFindings(app.outdir)).toEqual({ errors: [], warnings: ['W3010'] });
    expect(nagFindings).toEqual([]);
  });

  it('passes the pipeline and the stages it deploys (-c env=tooling)', () => {
    const app = testApp({ cloudFormationValidation: true });
    createPipelineApp(app);
    const assembly = app.synth();
    expect(cloudFormationFindings(assembly.directory).errors).toEqual([]);
    expect(readNagFindings(assembly.directory)).toEqual([]);
    expect(readGuardFindings(assembly.directory)).toEqual([]);
  });
});
