import { Stack, Stage, Validations, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { NagPackProps } from 'cdk-nag';
import { checkControlTower, controlTowerRequested } from './guard';
import { checkTemplateLimits } from './template-limits';

/**
 * cdk-nag AwsSolutions, checking exactly the stacks of one Stage.
 *
 * CDK invokes a validation plugin only for the stacks directly in the Stage it was added to,
 * while cdk-nag 3 then walks the whole construct tree from the root. So a pack added to the
 * App never runs when every stack sits in a nested Stage (ours do), and one added to each
 * Stage would report every other stage's findings again. This pack walks its own Stage's
 * stacks only; add it to every Stage that holds stacks (see `checkStage`).
 */
class StageAwsSolutionsChecks extends AwsSolutionsChecks {
  constructor(
    private readonly stage: Stage,
    props?: NagPackProps,
  ) {
    super(stage, props);
  }

  override validate(): PolicyValidationPluginReport {
    const stacks = this.stage.node
      .findAll()
      .filter((c): c is Stack => Stack.isStack(c) && !c.nestedStackParent && Stage.of(c) === this.stage);
    const violations = stacks.flatMap((stack) => this.validateScope(stack).violations);
    return { success: violations.length === 0, violations };
  }
}

/**
 * Checks the stacks of `stage` at synth: cdk-nag AwsSolutions (an unacknowledged finding
 * fails synth), CloudFormation's template limits, and the AWS Control Tower proactive
 * controls when the app asks for them (`CONTROL_TOWER_CONTEXT`; the tests always do).
 */
export function checkStage(stage: Stage): void {
  Validations.of(stage).addPlugins(new StageAwsSolutionsChecks(stage, { verbose: true }));
  if (controlTowerRequested(stage)) checkControlTower(stage);
  checkTemplateLimits(stage);
}

/**
 * The id of cdk-nag's IAM5 finding for a wildcard resource, rendered as cdk-nag renders it
 * (`Ref` as `<AWS::Partition>`, `Fn::GetAtt` as `<Logical.Arn>`). Deriving it from the same
 * ARN the policy uses keeps an acknowledgement from silently going stale.
 */
export function nagWildcard(scope: IConstruct, arn: string): string {
  const resolved: unknown = Stack.of(scope).resolve(arn);
  const render = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (token.Ref) return `<${token.Ref}>`;
    if (token['Fn::GetAtt']) return `<${token['Fn::GetAtt'].join('.')}>`;
    if (token['Fn::Join']) return token['Fn::Join'][1].map(render).join(token['Fn::Join'][0]);
    throw new Error(`nagWildcard: cannot render ${JSON.stringify(part)}`);
  };
  return `AwsSolutions-IAM5[Resource::${render(resolved)}]`;
}
