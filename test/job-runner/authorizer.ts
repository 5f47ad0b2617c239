import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, flatten, literal } from './definition';
import type { Authorizer } from './world-ecs';

type Json = unknown;

/** Replaces CloudFormation intrinsics in a policy document with the literals the scenarios use. */
function resolve(value: Json): Json {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Fn::Join') return flatten(value);
    if (keys.length === 1 && /^(Ref|Fn::GetAtt|Fn::GetStackOutput|Fn::ImportValue)$/.test(keys[0]!))
      return literal(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

/** The identity policies attached to the state machine's role in the JobRunner template. */
export function stateMachinePolicies(template: Template) {
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
    Properties: { RoleArn: { 'Fn::GetAtt': [string, string] } };
  };
  const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0];
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([, p]) =>
      JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(`"${roleId}"`),
    )
    .map(([name, p]) => ({
      name,
      policy: resolve((p as { Properties: { PolicyDocument: Json } }).Properties.PolicyDocument),
    }));
}

/**
 * ECS in the scenarios asks this before acting: the synthesized policies of the runner's
 * role, evaluated by an IAM policy simulator. A missing action or a wrong resource makes the
 * fake ECS answer as AWS does (AccessDeniedException), so the scenario fails where AWS would.
 */
export function stateMachineAuthorizer(template: Template): Authorizer {
  const identityPolicies = stateMachinePolicies(template) as never;
  return async ({ action, resource, context }) => {
    const result = await runSimulation(
      {
        identityPolicies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: undefined,
        request: {
          principal: `arn:aws:iam::${ACCOUNT}:role/sandbox-job-runner-role`,
          action,
          resource: { resource, accountId: ACCOUNT },
          contextVariables: context,
        },
      },
      {},
    );
    const { overallResult, errors } = result as { overallResult?: string; errors?: unknown };
    if (errors) throw new Error(`IAM simulation could not run: ${JSON.stringify(errors)}`);
    return overallResult === 'Allowed';
  };
}
