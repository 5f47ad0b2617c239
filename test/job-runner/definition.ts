import { platformWorld } from '../contract/iam/worlds';
import type { ConfigurationName } from '../support/synth-result';

export const ACCOUNT = '111111111111';
export const REGION = 'ap-northeast-1';

/**
 * The job runner's Amazon States Language definition exactly as synthesized for `environment`,
 * its CloudFormation references (ARNs, names, cross-stack outputs) resolved by the contract
 * tests' resolver to the values AWS would put there.
 */
export function jobRunnerDefinition(
  environment: Exclude<ConfigurationName, 'tooling'> = 'sandbox',
  options: { forInterpreter?: boolean } = {},
): Record<string, unknown> {
  const runner = platformWorld(environment).stack('JobRunner');
  const machines = Object.values(runner.stack.template.Resources ?? {}).filter(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  const [machine] = machines;
  if (!machine || machines.length !== 1) throw new Error('expected exactly one state machine');
  const text = runner.str(machine.Properties?.['DefinitionString'] ?? null, 'DefinitionString');
  const definition = JSON.parse(text) as Definition;
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
