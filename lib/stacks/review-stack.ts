import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ReviewAccess } from '../constructs/review-access';

export interface ReviewStackProps extends StackProps {
  readonly environment: string;
  /** GitHub repository (`owner/name`) whose pull requests are reviewed: `tooling.repository`. */
  readonly repository: string;
  /** @default - a GitHub OIDC provider is created */
  readonly oidcProviderArn?: string;
}

/**
 * What pull-request review needs in this environment: the read-only `cdk diff` role. Its own
 * stack, so the identity provider and role have a lifecycle apart from the workload.
 */
export class ReviewStack extends Stack {
  public readonly access: ReviewAccess;

  constructor(scope: Construct, id: string, props: ReviewStackProps) {
    super(scope, id, props);
    this.access = new ReviewAccess(this, 'PullRequestReview', {
      environment: props.environment,
      repository: props.repository,
      oidcProviderArn: props.oidcProviderArn,
    });
  }
}
