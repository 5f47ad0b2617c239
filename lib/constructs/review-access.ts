import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { nagWildcard } from '../stages/nag';

/** GitHub Actions' OIDC issuer: one IAM provider per account may exist for it. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The qualifier of the CDK bootstrap this project deploys with (`cdk bootstrap` default). */
export const CDK_QUALIFIER = 'hnb659fds';

export interface ReviewAccessProps {
  /** GitHub repository as `owner/name` whose pull requests may read this environment. */
  readonly repository: string;
  /** The environment's name: its stacks are `<env>-*`, the stacks the review diffs. */
  readonly environment: string;
  /**
   * ARN of the account's existing GitHub OIDC provider. IAM allows one provider per issuer
   * URL in an account, so if another project already created it, name it here.
   * @default - a provider is created
   */
  readonly oidcProviderArn?: string;
}

/**
 * The role `.github/workflows/pr-review.yml` assumes to run `cdk diff --method=template`
 * against this environment: read only, and only for this repository's pull requests.
 *
 * GitHub signs a token whose `sub` is `repo:<owner>/<name>:pull_request` for a workflow run
 * triggered by a pull request; the trust policy matches it exactly (StringEquals, no
 * wildcard), so no branch, tag, environment or other repository can assume the role. From
 * there the role may assume only the CDK bootstrap lookup role (read only, what template
 * diffs use) and read this environment's CloudFormation stacks, never the deploy,
 * file-publishing, image-publishing or CloudFormation execution roles.
 */
export class ReviewAccess extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ReviewAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { account, region, partition } = stack;
    const stackNamePrefix = `${props.environment}-`;

    const providerArn =
      props.oidcProviderArn ??
      new iam.CfnOIDCProvider(this, 'GitHubProvider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: ['sts.amazonaws.com'],
        // IAM verifies GitHub's issuer through its own trusted CAs and ignores these, but
        // older API versions require a list: GitHub's two published intermediates.
        thumbprintList: [
          '6938fd4d98bab03faadb97b34396831e3780aea1',
          '1c58a3a8518e8759bf075b76b750d4f2df264fcd',
        ],
      }).attrArn;

    this.role = new iam.Role(this, 'Role', {
      // Named, so the ARN to give the workflow is known before the first deploy.
      roleName: `${props.environment}-batch-platform-pr-review`,
      description: `cdk diff from pull requests of ${props.repository}: reads ${stackNamePrefix}* stacks only`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.FederatedPrincipal(
        providerArn,
        {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${props.repository}:pull_request`,
          },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });

    const lookupRole = `arn:${partition}:iam::${account}:role/cdk-${CDK_QUALIFIER}-lookup-role-${account}-${region}`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkLookupRole',
        actions: ['sts:AssumeRole'],
        resources: [lookupRole],
      }),
    );
    const stacks = `arn:${partition}:cloudformation:${region}:${account}:stack/${stackNamePrefix}*/*`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadEnvironmentStacks',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
        resources: [stacks],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: nagWildcard(this, stacks),
      reason: `Stack ARNs end in a generated id; ${stackNamePrefix}* are exactly this environment's stacks, and only read`,
    });

    new CfnOutput(this, 'RoleArn', {
      value: this.role.roleArn,
      description: 'Set as the repository variable AWS_REVIEW_ROLE_ARN for pr-review.yml',
    });
  }
}
