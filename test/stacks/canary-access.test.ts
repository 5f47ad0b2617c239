import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { CANARY_JOB } from '../../lib/constructs/canary-access';
import { executionName } from '../../scripts/job/run';
import { synthPlatform } from '../support/synth';

const STAGING = '222222222222';
const TOOLING = loadConfig('staging').tooling.account;

describe('canary access (JobRunner stack)', () => {
  const template = () => synthPlatform('staging').templates['JobRunner']!;
  const canaryPolicy = () => {
    const [role] = Object.keys(
      template().findResources('AWS::IAM::Role', { Properties: { RoleName: 'staging-batch-canary' } }),
    );
    const policies = Object.values(
      template().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }),
    ) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
    expect(policies).toHaveLength(1);
    return policies[0]!.Properties.PolicyDocument.Statement;
  };

  it('is a role only the pipeline’s canary step in the tooling account may assume', () => {
    template().hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'staging-batch-canary',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${TOOLING}:root` },
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${TOOLING}:role/batch-platform-canary-staging` },
            },
          },
        ],
      },
    });
  });

  it('may do exactly what `npm run job -- run canary` calls, and nothing else', () => {
    const statements = canaryPolicy();
    expect(statements.map((s) => s['Action'])).toEqual([
      'states:StartExecution',
      'states:DescribeExecution',
      'dynamodb:Query',
    ]);
    expect((statements[0]!['Resource'] as { Ref?: string }).Ref).toMatch(/^RunnerStateMachine/);
    expect(statements.every((s) => s['Effect'] === 'Allow')).toBe(true);
  });

  it('describes only manual canary executions, under the name the job CLI gives them', () => {
    const resource = canaryPolicy()[1]!['Resource'] as string;
    expect(resource).toBe(
      `arn:aws:states:ap-northeast-1:${STAGING}:execution:staging-job-runner:manual-${CANARY_JOB}-*`,
    );
    const name = executionName(
      CANARY_JOB,
      new Date('2026-11-22T00:00:00Z'),
      '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    );
    const pattern = new RegExp(`^${resource.replace(/[.]/g, '\\.').replace('*', '.*')}$`);
    expect(`arn:aws:states:ap-northeast-1:${STAGING}:execution:staging-job-runner:${name}`).toMatch(pattern);
    const other = executionName('nightly-sales-report', new Date(), 'x');
    expect(`arn:aws:states:ap-northeast-1:${STAGING}:execution:staging-job-runner:${other}`).not.toMatch(
      pattern,
    );
  });

  it('reads only the canary’s run records, the key the CLI queries', () => {
    expect(canaryPolicy()[2]).toMatchObject({
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^RunnerRuns/), 'Arn'] },
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`RUN#${CANARY_JOB}`] } },
    });
  });

  it('runs a canary job that exists, is enabled and uses the smallest Fargate size', () => {
    const job = loadConfig('staging').schedules.find((j) => j.name === CANARY_JOB);
    expect(job).toMatchObject({
      enabled: true,
      cpu: 256,
      memory: 512,
      owner: 'platform',
      concurrency: 'allow',
    });
    expect(job!.timeoutSeconds).toBeLessThanOrEqual(300);
  });
});
