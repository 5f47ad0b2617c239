import { beforeAll, describe, expect, it } from 'vitest';
import type { Json, JsonObject, StackResolver } from './iam/cfn';
import type { IamWorld } from './iam/policies';
import { decide, type Call, type Verdict } from './iam/simulate';
import { platformWorld } from './iam/worlds';

/**
 * The calls the templates themselves imply, for every resource of a kind, so a new alarm,
 * schedule, worker or secret is covered without a new row in iam.test.ts: each alarm's
 * action, each schedule's target and DLQ, each task definition's image, logs and secrets,
 * each worker's queue (and nobody else's), each scalable target's service.
 */

interface Expectation extends Call {
  readonly expect: Verdict;
  readonly source: string;
}

function resourcesOf(
  world: IamWorld,
  type: string,
): { resolver: StackResolver; id: string; props: JsonObject }[] {
  return world.stacks.flatMap((s) => {
    const resolver = world.stack(s.path);
    return Object.entries(resolver.resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ resolver, id, props: r.Properties ?? {} }));
  });
}

async function mismatches(world: IamWorld, expectations: Expectation[]): Promise<string[]> {
  const decisions = await Promise.all(expectations.map((e) => decide(world, e)));
  return decisions.flatMap((d, i) =>
    d.verdict === expectations[i]!.expect
      ? []
      : [`${expectations[i]!.source}: expected ${expectations[i]!.expect}\n${d.explanation}`],
  );
}

const str = (resolver: StackResolver, value: Json | undefined, where: string): string =>
  resolver.str(value ?? null, where);

describe('IAM contract derived from the sandbox templates', () => {
  let world: IamWorld;
  beforeAll(() => {
    world = platformWorld('sandbox');
  });

  it('every alarm action can be delivered: cloudwatch.amazonaws.com publishes to its topic (and its key)', async () => {
    const calls = resourcesOf(world, 'AWS::CloudWatch::Alarm').flatMap(({ resolver, id, props }) => {
      const alarm = resolver.str({ 'Fn::GetAtt': [id, 'Arn'] });
      const actions = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap(
        (key) => resolver.resolve(props[key] ?? [], id) as string[],
      );
      return actions.map((topic): Expectation => ({
        source: `${resolver.stack.path}/${id}`,
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: topic,
        context: { 'aws:SourceAccount': resolver.stack.account, 'aws:SourceArn': alarm },
        expect: 'Allowed',
      }));
    });
    expect(calls.length).toBeGreaterThan(20);
    expect(await mismatches(world, calls)).toEqual([]);
  });

  it("every schedule's role is assumable by Scheduler, starts its target and reaches its DLQ", async () => {
    const calls = resourcesOf(world, 'AWS::Scheduler::Schedule').flatMap(({ resolver, id, props }) => {
      const target = props.Target as JsonObject;
      const role = str(resolver, target.RoleArn, id);
      const source = `${resolver.stack.path}/${id}`;
      const targetArn = str(resolver, target.Arn, id);
      if (!targetArn.startsWith('arn:aws:states:'))
        throw new Error(`${source}: target ${targetArn} not modelled`);
      const dlq = (target.DeadLetterConfig as JsonObject | undefined)?.Arn;
      const calls: Expectation[] = [
        {
          source,
          principal: 'scheduler.amazonaws.com',
          action: 'sts:AssumeRole',
          resource: role,
          context: { 'aws:SourceAccount': resolver.stack.account },
          expect: 'Allowed',
        },
        { source, principal: role, action: 'states:StartExecution', resource: targetArn, expect: 'Allowed' },
        ...(dlq === undefined
          ? []
          : [
              {
                source,
                principal: role,
                action: 'sqs:SendMessage',
                resource: str(resolver, dlq, id),
                expect: 'Allowed' as const,
              },
            ]),
      ];
      return calls;
    });
    expect(calls.length).toBeGreaterThanOrEqual(30);
    expect(await mismatches(world, calls)).toEqual([]);
  });

  it("every task definition's execution role pulls its image, writes its logs and reads its secrets", async () => {
    const calls = resourcesOf(world, 'AWS::ECS::TaskDefinition').flatMap(({ resolver, id, props }) => {
      const source = `${resolver.stack.path}/${id}`;
      const role = str(resolver, props.ExecutionRoleArn, id);
      const { account, region } = resolver.stack;
      return (props.ContainerDefinitions as JsonObject[]).flatMap((container): Expectation[] => {
        const image = /^(\d+)\.dkr\.ecr\.([^.]+)\.amazonaws\.com\/([^:@]+)/.exec(
          str(resolver, container.Image, id),
        );
        if (!image) throw new Error(`${source}: image is not in ECR`);
        const options = (container.LogConfiguration as JsonObject).Options as JsonObject;
        const group = str(resolver, options['awslogs-group'], id);
        const stream = `${str(resolver, options['awslogs-stream-prefix'], id)}/${str(resolver, container.Name, id)}/abc`;
        const secrets = ((container.Secrets ?? []) as JsonObject[]).map((s) =>
          str(resolver, s.ValueFrom, id),
        );
        return [
          {
            source,
            principal: role,
            action: 'ecr:BatchGetImage',
            resource: `arn:aws:ecr:${image[2]}:${image[1]}:repository/${image[3]}`,
            expect: 'Allowed',
          },
          { source, principal: role, action: 'ecr:GetAuthorizationToken', resource: '*', expect: 'Allowed' },
          ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
            source,
            principal: role,
            action,
            resource: `arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:${stream}`,
            expect: 'Allowed' as const,
          })),
          ...secrets.map((valueFrom) => secretCall(source, role, valueFrom)),
        ];
      });
    });
    expect(calls.length).toBeGreaterThan(60);
    expect(await mismatches(world, calls)).toEqual([]);
  });

  it('every worker consumes its own queue and no other worker can', async () => {
    const workers = resourcesOf(world, 'AWS::ECS::TaskDefinition').flatMap(({ resolver, id, props }) => {
      const env = ((props.ContainerDefinitions as JsonObject[])[0]!.Environment ?? []) as JsonObject[];
      const url = env.find((e) => e.Name === 'QUEUE_URL')?.Value;
      if (url === undefined) return [];
      const [, region, account, name] = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(
        str(resolver, url, id),
      )!;
      return [
        { id, role: str(resolver, props.TaskRoleArn, id), queue: `arn:aws:sqs:${region}:${account}:${name}` },
      ];
    });
    expect(workers.length).toBeGreaterThanOrEqual(5);
    const calls = workers.flatMap((worker) =>
      workers.flatMap((other) =>
        ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].map(
          (action): Expectation => ({
            source: `${worker.id} on ${other.id}'s queue`,
            principal: worker.role,
            action,
            resource: other.queue,
            expect: worker === other ? 'Allowed' : 'ImplicitlyDenied',
          }),
        ),
      ),
    );
    expect(await mismatches(world, calls)).toEqual([]);
  });

  it("every scalable target's role can read and set its service's desired count", async () => {
    const calls = resourcesOf(world, 'AWS::ApplicationAutoScaling::ScalableTarget').flatMap(
      ({ resolver, id, props }) => {
        const service = `arn:aws:ecs:${resolver.stack.region}:${resolver.stack.account}:${str(resolver, props.ResourceId, id)}`;
        return ['ecs:DescribeServices', 'ecs:UpdateService'].map((action): Expectation => ({
          source: `${resolver.stack.path}/${id}`,
          principal: str(resolver, props.RoleARN, id),
          action,
          resource: service,
          expect: 'Allowed',
        }));
      },
    );
    expect(calls.length).toBeGreaterThan(0);
    expect(await mismatches(world, calls)).toEqual([]);
  });
});

/** ECS reads a `secrets` entry: Secrets Manager (`...:secret:<name>:<field>::`) or SSM. */
function secretCall(source: string, principal: string, valueFrom: string): Expectation {
  const secret = /^(arn:aws:secretsmanager:[^:]+:\d+:secret:[^:]+)/.exec(valueFrom);
  if (secret) {
    // IAM sees the full ARN, whose name ends in a random 6-character suffix.
    return {
      source,
      principal,
      action: 'secretsmanager:GetSecretValue',
      resource: `${secret[1]}-AbCdEf`,
      expect: 'Allowed',
    };
  }
  if (valueFrom.startsWith('arn:aws:ssm:')) {
    return { source, principal, action: 'ssm:GetParameters', resource: valueFrom, expect: 'Allowed' };
  }
  throw new Error(`${source}: secret ${valueFrom} not modelled`);
}
