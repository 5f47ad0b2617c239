import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { checkStage } from '../../lib/stages/nag';
import { ReviewStack } from '../../lib/stacks/review-stack';
import { testApp } from '../support/cdk-context';
import { problemsOf } from '../support/config-problems';
import { readGuardFindings, readNagFindings } from '../support/validation-report';
import { FIXTURE_CONFIG } from '../fixtures/config';

const ACCOUNT = '222222222222';
const REGION = 'ap-northeast-1';
const EXISTING_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Condition?: unknown };

function synth(oidcProviderArn?: string) {
  const app = testApp();
  checkStage(app);
  const stack = new ReviewStack(app, 'Review', {
    env: { account: ACCOUNT, region: REGION },
    environment: 'staging',
    repository: 'acme/batch',
    oidcProviderArn,
  });
  const assembly = app.synth();
  return {
    template: Template.fromStack(stack),
    nag: readNagFindings(assembly.directory),
    guard: readGuardFindings(assembly.directory),
  };
}

describe('ReviewStack: the pull-request review role', () => {
  let created: ReturnType<typeof synth>;
  beforeAll(() => {
    created = synth();
  });

  const roleOf = (template: Template) => {
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as {
      Properties: { RoleName: string; AssumeRolePolicyDocument: { Statement: Statement[] } };
    }[];
    expect(roles).toHaveLength(1);
    return roles[0]!.Properties;
  };
  const statementsOf = (template: Template) =>
    (
      Object.values(template.findResources('AWS::IAM::Policy')) as {
        Properties: { PolicyDocument: { Statement: Statement[] } };
      }[]
    ).flatMap((p) => p.Properties.PolicyDocument.Statement);

  it('trusts exactly pull requests of the repository, through GitHub OIDC for STS', () => {
    created.template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    const provider = Object.keys(created.template.findResources('AWS::IAM::OIDCProvider'))[0]!;
    expect(roleOf(created.template).AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: { 'Fn::GetAtt': [provider, 'Arn'] } },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': 'repo:acme/batch:pull_request',
          },
        },
      },
    ]);
    expect(roleOf(created.template).RoleName).toBe('staging-batch-platform-pr-review');
  });

  it('may assume only the CDK lookup role and read only this environment’s stacks', () => {
    expect(statementsOf(created.template)).toEqual([
      {
        Sid: 'AssumeCdkLookupRole',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-lookup-role-${ACCOUNT}-${REGION}`,
      },
      {
        Sid: 'ReadEnvironmentStacks',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
        Resource: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/staging-*/*`,
      },
    ]);
    const text = JSON.stringify(created.template.toJSON());
    for (const forbidden of [
      'deploy-role',
      'file-publishing-role',
      'image-publishing-role',
      'cfn-exec-role',
    ]) {
      expect(text).not.toContain(forbidden);
    }
  });

  it('trusts the existing provider when config names one, creating none', () => {
    const { template } = synth(EXISTING_PROVIDER);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(roleOf(template).AssumeRolePolicyDocument.Statement[0]).toMatchObject({
      Principal: { Federated: EXISTING_PROVIDER },
    });
  });

  it('has no unacknowledged cdk-nag or Control Tower finding', () => {
    expect(created.nag).toEqual([]);
    expect(created.guard).toEqual([]);
  });
});

describe('config: environments[*].review', () => {
  const loadWith = (review: unknown) =>
    loadConfig('staging', {
      ...FIXTURE_CONFIG,
      environments: {
        ...FIXTURE_CONFIG.environments,
        staging: { ...(FIXTURE_CONFIG.environments['staging'] as object), review },
      },
    });

  it('is opt-in: staging only, for the repository the pipeline builds', () => {
    expect(loadConfig('staging', FIXTURE_CONFIG).environment.review).toEqual({});
    expect(loadConfig('production', FIXTURE_CONFIG).environment.review).toBeUndefined();
    expect(loadConfig('sandbox', FIXTURE_CONFIG).environment.review).toBeUndefined();
  });

  it.each([
    [
      'an ARN that is not the GitHub provider',
      { oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/example.com` },
      /staging\.review\.oidcProviderArn: must be the ARN of the GitHub OIDC provider/,
    ],
    [
      'a provider of another account',
      { oidcProviderArn: EXISTING_PROVIDER.replace(ACCOUNT, '999999999999') },
      /staging\.review\.oidcProviderArn: is in account 999999999999, but this environment deploys to 222222222222/,
    ],
    [
      'a misspelt field',
      { repository: 'acme/batch' },
      /^staging\.review\.repository: is not a known field: use one of oidcProviderArn$/,
    ],
  ])('rejects %s', (_, review, message) => {
    const problems = problemsOf(() => loadWith(review));
    expect(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('accepts the account’s existing provider', () => {
    expect(loadWith({ oidcProviderArn: EXISTING_PROVIDER }).environment.review).toEqual({
      oidcProviderArn: EXISTING_PROVIDER,
    });
  });
});
