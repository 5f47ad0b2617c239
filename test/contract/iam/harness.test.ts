import { describe, expect, it } from 'vitest';
import type { CfnTemplate, StackTemplate } from './cfn';
import { IamWorld } from './policies';
import { decide } from './simulate';

/** Two small stacks: a role in one, its policy and a topic (with a policy) in the other. */
function world(overrides: { statementResource?: unknown } = {}): IamWorld {
  const roles: CfnTemplate = {
    Resources: {
      WorkerRole1A2B3C4D: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'worker',
          AssumeRolePolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'ecs-tasks.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
      },
    },
    Outputs: { RoleName: { Value: { Ref: 'WorkerRole1A2B3C4D' } } },
  };
  const topics: CfnTemplate = {
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alarms' } },
      TopicPolicy: {
        Type: 'AWS::SNS::TopicPolicy',
        Properties: {
          Topics: [{ Ref: 'Topic' }],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Deny',
                Principal: '*',
                Action: 'sns:Publish',
                Resource: { Ref: 'Topic' },
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          },
        },
      },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'publish',
          Roles: [
            {
              'Fn::GetStackOutput': {
                StackName: 'test-Roles',
                Region: 'ap-northeast-1',
                OutputName: 'RoleName',
              },
            },
          ],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sns:Publish',
                Resource: overrides.statementResource ?? {
                  'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Topic.TopicName}',
                },
              },
            ],
          },
        },
      },
    },
  } as CfnTemplate;
  const stack = (path: string, template: CfnTemplate): StackTemplate => ({
    path,
    stackName: `test-${path}`,
    account: '111111111111',
    region: 'ap-northeast-1',
    template,
  });
  return new IamWorld([stack('Roles', roles), stack('Topics', topics)]);
}

const topic = 'arn:aws:sns:ap-northeast-1:111111111111:alarms';

describe('IAM simulation harness', () => {
  it('allows a call granted by a policy in another stack (Fn::GetStackOutput, Fn::Sub)', async () => {
    const d = await decide(world(), {
      principal: 'Roles/WorkerRole',
      action: 'sns:Publish',
      resource: topic,
    });
    expect(d.verdict, d.explanation).toBe('Allowed');
  });

  it('denies what no policy grants, and applies the resource policy', async () => {
    const other = await decide(world(), {
      principal: 'worker',
      action: 'sns:Publish',
      resource: 'arn:aws:sns:ap-northeast-1:111111111111:other',
    });
    expect(other.verdict, other.explanation).toBe('ImplicitlyDenied');
    const plainHttp = await decide(world(), {
      principal: 'worker',
      action: 'sns:Publish',
      resource: topic,
      context: { 'aws:SecureTransport': 'false' },
    });
    expect(plainHttp.verdict, plainHttp.explanation).toBe('ExplicitlyDenied');
    expect(plainHttp.explanation).toContain('resource Topics/TopicPolicy');
  });

  it('throws on an intrinsic it cannot resolve instead of passing', async () => {
    const broken = world({ statementResource: { 'Fn::FindInMap': ['Map', 'key', 'value'] } });
    await expect(
      decide(broken, { principal: 'worker', action: 'sns:Publish', resource: topic }),
    ).rejects.toThrow(/cannot resolve intrinsic Fn::FindInMap/);
  });

  it('throws on a context key the action does not take (it would be ignored)', async () => {
    await expect(
      decide(world(), {
        principal: 'worker',
        action: 'sns:Publish',
        resource: topic,
        context: { 'ecs:cluster': 'x' },
      }),
    ).rejects.toThrow(/context keys not applicable/);
  });
});
