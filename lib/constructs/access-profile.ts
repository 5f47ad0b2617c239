import { Annotations, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  crossAccountStatements,
  grantStatements,
  guardStatements,
  type AccessScope,
} from '../access/statements';
import type { AccessProfileConfig } from '../config';
import type { Grant } from '../config/access-grants';
import { accessNames } from '../schedule/naming';

export interface AccessProfileProps {
  readonly profile: AccessProfileConfig;
  readonly scope: AccessScope;
}

/** Why a grant's statement names a wildcard, for the cdk-nag acknowledgement next to it. */
function wildcardReason(grant: Grant, profile: string): string {
  if (grant.reason) return `${grant.reason} (profile ${profile}, config/access.ts)`;
  switch (grant.grant) {
    case 'readBucket':
    case 'writeBucket':
      return `${grant.grant} in config/access.ts (profile ${profile}): the objects ${
        grant.prefix === undefined ? 'of the bucket' : `under the prefix "${grant.prefix}"`
      } of ${grant.bucket} only, in account ${grant.account ?? 'of this environment'} (aws:ResourceAccount)`;
    case 'readTable':
      return `readTable with indexes: true in config/access.ts (profile ${profile}): Query and Scan of the indexes of ${grant.table} only`;
    case 'readParameters':
      return `readParameters of the path ${grant.parameter} in config/access.ts (profile ${profile}): the parameters under it only`;
    default:
      throw new Error(`${profile}: a ${grant.grant} grant without a reason cannot name a wildcard`);
  }
}

/**
 * One access profile of config/access.ts: a customer managed policy with its grants, and the
 * task role of the jobs that name it. Workers that name it attach the same policy to their
 * own role (lib/constructs/worker-service.ts), which keeps their queue grants to themselves.
 */
export class AccessProfile extends Construct {
  public readonly policy: iam.ManagedPolicy;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AccessProfileProps) {
    super(scope, id);
    const { profile } = props;
    const { account, region, environment } = props.scope;
    const names = accessNames(environment);
    const grants = profile.grants.map((grant) => ({
      grant,
      statements: grantStatements(grant, props.scope),
    }));

    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: names.policy(profile.name),
      description: `Access profile ${profile.name} (owner: ${profile.owner}): ${profile.description}`.slice(
        0,
        1000,
      ),
      statements: [...grants.flatMap(({ statements }) => statements), ...guardStatements(props.scope)].map(
        (s) =>
          new iam.PolicyStatement({
            effect: s.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
            actions: [...s.actions],
            resources: [...s.resources],
            ...(s.conditions ? { conditions: s.conditions } : {}),
          }),
      ),
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: names.role(profile.name),
      // ECS's confused-deputy guard: only tasks of this account and region take the role.
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${props.scope.partition}:ecs:${region}:${account}:*` },
        },
      }),
      description: `Task role of jobs with access profile ${profile.name} (config/access.ts)`,
      managedPolicies: [this.policy],
    });

    // Each wildcard the grants name is acknowledged on its own, with the grant it comes from:
    // a widened profile raises a finding nobody acknowledged.
    const acknowledged = new Map<string, string>();
    for (const { grant, statements } of grants) {
      for (const s of statements) {
        for (const resource of s.resources.filter((r) => r.includes('*')))
          acknowledged.set(`AwsSolutions-IAM5[Resource::${resource}]`, wildcardReason(grant, profile.name));
        for (const action of s.actions.filter((a) => a.includes('*')))
          acknowledged.set(`AwsSolutions-IAM5[Action::${action}]`, wildcardReason(grant, profile.name));
      }
    }
    if (acknowledged.size > 0) {
      Validations.of(this.policy).acknowledge(...[...acknowledged].map(([id, reason]) => ({ id, reason })));
    }

    const foreign = crossAccountStatements(
      grants.flatMap((g) => g.statements),
      `arn:${props.scope.partition}:iam::${account}:role/${names.role(profile.name)}`,
      profile.name.replace(/[^A-Za-z0-9]/g, ''),
    );
    for (const { account: owner, statement } of foreign) {
      Annotations.of(this).addInfo(
        `Access profile ${profile.name} reaches account ${owner}: add this statement to the resource's policy there (bucket, queue, secret, table, bus or key policy):\n${JSON.stringify(statement, null, 2)}`,
      );
    }
  }
}
