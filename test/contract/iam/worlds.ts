import { synthesized } from '../../support/synth';
import type { ConfigurationName } from '../../support/synth-result';
import type { StackTemplate } from './cfn';
import { IamWorld } from './policies';

/**
 * ECS's service-linked role for Application Auto Scaling, which the workers' scalable targets
 * name (lib/constructs/worker-service.ts). AWS creates it with the managed policy
 * AWSApplicationAutoscalingECSServicePolicy; its text (v2) is copied here from the AWS Managed
 * Policy Reference, because no template declares it.
 */
export function ecsAutoScalingRole(account: string) {
  return {
    arn: `arn:aws:iam::${account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
    reference:
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSApplicationAutoscalingECSServicePolicy.html (v2)',
    policies: [
      {
        name: 'AWSApplicationAutoscalingECSServicePolicy (AWS managed, copied)',
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'ecs:DescribeServices',
                'ecs:UpdateService',
                'cloudwatch:PutMetricAlarm',
                'cloudwatch:DescribeAlarms',
                'cloudwatch:GetMetricData',
                'cloudwatch:DeleteAlarms',
              ],
              Resource: ['*'],
            },
          ],
        },
      },
    ],
  };
}

const worlds = new Map<ConfigurationName, IamWorld>();

/** Every stack of a configuration, as the suite's one synthesis of it deployed them. */
function stacksOf(name: ConfigurationName): StackTemplate[] {
  return synthesized(name).stacks;
}

/** The environment's app, as `cdk synth -c env=<environment>` builds it. */
export function platformWorld(environment: Exclude<ConfigurationName, 'tooling'>): IamWorld {
  let world = worlds.get(environment);
  if (!world) {
    const stacks = stacksOf(environment);
    const accounts = new Set(stacks.map((s) => s.account));
    if (accounts.size !== 1)
      throw new Error(`${environment}: expected one account, found ${[...accounts].join(', ')}`);
    world = new IamWorld(stacks);
    world.addExternalRole(ecsAutoScalingRole([...accounts][0]!));
    worlds.set(environment, world);
  }
  return world;
}

/** `-c env=tooling`: the pipeline stack and the stage stacks it deploys. */
export function pipelineWorld(): IamWorld {
  let world = worlds.get('tooling');
  if (!world) {
    world = new IamWorld(stacksOf('tooling'));
    worlds.set('tooling', world);
  }
  return world;
}
