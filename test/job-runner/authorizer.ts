import { decide } from '../contract/iam/simulate';
import { platformWorld } from '../contract/iam/worlds';
import type { Authorizer } from './world-ecs';

/**
 * ECS in the scenarios asks this before acting: the state machine role's synthesized
 * policies, evaluated by the IAM simulator of the contract tests (test/contract/iam). A
 * missing action or a wrong resource makes the fake ECS answer as AWS does
 * (AccessDeniedException), so a scenario fails where AWS would.
 */
export function stateMachineAuthorizer(): Authorizer {
  const world = platformWorld('sandbox');
  return async ({ action, resource, context }) =>
    (await decide(world, { principal: 'JobRunner/RunnerStateMachineRole', action, resource, context }))
      .verdict === 'Allowed';
}
