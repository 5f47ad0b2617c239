import * as fs from 'node:fs';
import * as path from 'node:path';
import { GUARD_PLUGIN_NAME } from '../../lib/stages/guard';

interface Violation {
  ruleName: string;
  description?: string;
  severity?: string;
  violatingConstructs: { constructPath?: string }[];
}
interface ValidationReport {
  pluginReports: { pluginName: string; violations: Violation[] }[];
}

/** The name CDK's built-in CloudFormation validation reports under. */
const CLOUDFORMATION_PLUGIN_NAME = 'CloudFormation Validate';

/** The validation-report.json CDK writes into a cloud assembly, or undefined when nothing ran. */
function readReport(assemblyDir: string): ValidationReport | undefined {
  const file = path.join(assemblyDir, 'validation-report.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport) : undefined;
}

/** Every plugin's report in the assembly's validation-report.json; empty when nothing ran. */
export function readValidationReport(assemblyDir: string): ValidationReport['pluginReports'] {
  return readReport(assemblyDir)?.pluginReports ?? [];
}

/** Each violating construct of `pluginName`'s report, rendered by `render`, sorted. */
function readFindings(
  assemblyDir: string,
  pluginName: string,
  render: (violation: Violation, constructPath: string) => string,
): string[] {
  return (readReport(assemblyDir)?.pluginReports ?? [])
    .filter((r) => r.pluginName === pluginName)
    .flatMap((r) =>
      r.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => render(v, c.constructPath || '<unknown>')),
      ),
    )
    .sort();
}

/** The AwsSolutions (cdk-nag) findings CDK wrote to validation-report.json in the assembly. */
export function readNagFindings(assemblyDir: string): string[] {
  return readFindings(assemblyDir, 'AwsSolutions', (v, at) => `${v.ruleName} at ${at}`);
}

/**
 * The Control Tower findings (cfn-guard) of the same report. The control id (e.g.
 * `CT.CLOUDWATCH.PR.3`) comes from the description, the rule name is what an exemption names.
 */
export function readGuardFindings(assemblyDir: string): string[] {
  return readFindings(assemblyDir, GUARD_PLUGIN_NAME, (v, at) => {
    const control = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(v.description ?? '')?.[1] ?? 'CT.?';
    return `${control} ${v.ruleName} at ${at}`;
  });
}

/** What CDK's built-in CloudFormation validation (cfn-lint rules) reported: rule names by severity. */
export interface CloudFormationFindings {
  readonly errors: string[];
  readonly warnings: string[];
}

/** The built-in validation's findings, or undefined when it did not run on this assembly. */
export function readCloudFormationFindings(assemblyDir: string): CloudFormationFindings | undefined {
  const builtin = readReport(assemblyDir)?.pluginReports.find(
    (r) => r.pluginName === CLOUDFORMATION_PLUGIN_NAME,
  );
  if (!builtin) return undefined;
  const rules = (severity: (s?: string) => boolean) =>
    [...new Set(builtin.violations.filter((v) => severity(v.severity)).map((v) => v.ruleName))].sort();
  return { errors: rules((s) => s !== 'warning'), warnings: rules((s) => s === 'warning') };
}
