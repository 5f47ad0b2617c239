import * as fs from 'node:fs';
import {
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type Stage,
} from 'aws-cdk-lib';

/** CloudFormation quotas a template must stay under (Service Quotas: CloudFormation). */
export const MAX_RESOURCES = 500;
export const MAX_TEMPLATE_BYTES = 1_000_000; // 1 MB template body in S3, as CDK itself counts it

/**
 * Fails synth when a template exceeds CloudFormation's resource or size limit, so a config
 * change that would break a deploy is caught by `cdk synth` in the pull request instead.
 */
class TemplateLimits implements IPolicyValidationPlugin {
  public readonly name = 'TemplateLimits';

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations = context.templatePaths.flatMap((templatePath) => {
      const body = fs.readFileSync(templatePath);
      const resources = Object.keys(
        (JSON.parse(body.toString('utf8')) as { Resources?: object }).Resources ?? {},
      ).length;
      const problems: string[] = [];
      if (resources > MAX_RESOURCES) problems.push(`${resources} resources (limit ${MAX_RESOURCES})`);
      if (body.length > MAX_TEMPLATE_BYTES)
        problems.push(`${body.length} bytes (limit ${MAX_TEMPLATE_BYTES})`);
      return problems.map((problem) => ({
        ruleName: 'CloudFormationTemplateLimit',
        description: `Template has ${problem}: lower maxJobsPerStack so jobs spread over more stacks`,
        violatingResources: [{ resourceLogicalId: '*', templatePath, locations: [] }],
      }));
    });
    return { success: violations.length === 0, violations };
  }
}

export function checkTemplateLimits(stage: Stage): void {
  Validations.of(stage).addPlugins(new TemplateLimits());
}
