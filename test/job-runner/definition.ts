import type { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '111111111111';
export const REGION = 'ap-northeast-1';
export const JOBS_CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/sandbox-jobs`;

type Token =
  | string
  | {
      Ref?: string;
      'Fn::GetAtt'?: [string, string];
      'Fn::ImportValue'?: unknown;
      'Fn::GetStackOutput'?: { OutputName: string };
    };

/**
 * The job runner's Amazon States Language definition exactly as synthesized, with
 * CloudFormation references (ARNs, names) turned into plausible literal values.
 */
export function jobRunnerDefinition(
  template: Template,
  options: { forInterpreter?: boolean } = {},
): Record<string, unknown> {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines) as { Properties: { DefinitionString: unknown } }[];
  if (!machine || Object.keys(machines).length !== 1) throw new Error('expected exactly one state machine');
  const definition = JSON.parse(flatten(machine.Properties.DefinitionString)) as Definition;
  // The contract tests read the definition exactly as synthesized.
  return options.forInterpreter === false ? definition : forInterpreter(definition);
}

type Definition = { States: Record<string, Record<string, unknown>> };

/**
 * Step Functions resolves `TimeoutSecondsPath` against the state's input; aws-local-stepfunctions
 * resolves it against the input after `Parameters` (its one divergence that matters here).
 * So a Task state with both also gets the timeout copied into its Parameters under the same
 * path: the interpreter then times out exactly when Step Functions would. Nothing else changes.
 */
function forInterpreter(definition: Definition): Definition {
  for (const state of Object.values(definition.States)) {
    const path = state['TimeoutSecondsPath'];
    const parameters = state['Parameters'] as Record<string, unknown> | undefined;
    if (typeof path !== 'string' || !parameters) continue;
    const keys = path.replace(/^\$\./, '').split('.');
    let target: Record<string, unknown> = parameters;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[`${keys[keys.length - 1]}.$`] = path;
  }
  return definition;
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join)
    return join[1].map((part) => (typeof part === 'string' ? part : literal(part as Token))).join(join[0]);
  throw new Error(`unexpected DefinitionString: ${JSON.stringify(value).slice(0, 200)}`);
}

function literal(token: Token): string {
  if (typeof token === 'string') return token;
  if (token.Ref === 'AWS::Partition') return 'aws';
  if (token.Ref === 'AWS::Region') return REGION;
  if (token.Ref === 'AWS::AccountId') return ACCOUNT;
  if (token.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (token.Ref) return token.Ref;
  if (token['Fn::GetAtt']) {
    const [id, attr] = token['Fn::GetAtt'];
    return attr === 'Arn' ? `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${id}` : `${id}.${attr}`;
  }
  const output = token['Fn::GetStackOutput']?.OutputName;
  // The one cross-stack ARN the runner acts on: the jobs cluster (PlatformStack).
  if (output && /JobsCluster.*Arn/.test(output)) return JOBS_CLUSTER_ARN;
  if (output) return `output-${output}`;
  if (token['Fn::ImportValue'] !== undefined)
    return `imported-${JSON.stringify(token['Fn::ImportValue']).replace(/[^A-Za-z0-9]/g, '')}`;
  throw new Error(`unexpected token in definition: ${JSON.stringify(token)}`);
}
