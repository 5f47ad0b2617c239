import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { createPipelineApp } from '../../../lib/stages/create-app';
import { testApp } from '../../support/cdk-context';
import { synthPlatform } from '../../support/synth';
import type { StackTemplate } from './cfn';
import { IamWorld } from './policies';

/** Every stack under `root` (an App, or a pipeline with its stages), as deployed. */
export function stackTemplates(root: IConstruct): StackTemplate[] {
  return root.node
    .findAll()
    .filter((c): c is Stack => Stack.isStack(c))
    .map((stack) => ({
      path: stack.node.path,
      stackName: stack.stackName,
      account: stack.account,
      region: stack.region,
      template: Template.fromStack(stack).toJSON(),
    }));
}

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

const worlds = new Map<string, IamWorld>();

/** The environment's app (synthesized once per configuration by `synthPlatform`). */
export function platformWorld(environment: string): IamWorld {
  let world = worlds.get(environment);
  if (!world) {
    const platform = synthPlatform(environment);
    world = new IamWorld(stackTemplates(platform.app));
    world.addExternalRole(ecsAutoScalingRole(platform.config.environment.account));
    worlds.set(environment, world);
  }
  return world;
}

/** `-c env=tooling`: the pipeline stack and the stage stacks it deploys. */
export function pipelineWorld(): IamWorld {
  let world = worlds.get('tooling');
  if (!world) {
    const app = testApp();
    createPipelineApp(app);
    app.synth();
    world = new IamWorld(stackTemplates(app));
    worlds.set('tooling', world);
  }
  return world;
}
