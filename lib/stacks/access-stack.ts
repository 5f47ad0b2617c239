import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { accessScope } from '../access/statements';
import type { AccessProfileConfig, EnvironmentConfig } from '../config';
import { buildEntry } from '../config/config-error';
import { AccessProfile } from '../constructs/access-profile';

export interface AccessStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly profiles: readonly AccessProfileConfig[];
}

/**
 * The access profiles of config/access.ts: per profile one managed policy and one job task
 * role. In a stack of their own so a privilege change is its own section of `cdk diff`, and
 * deployed before the job and worker stacks, which refer to the roles and policies by name
 * (not by export: a profile can then be renamed or dropped without a stack deadlock).
 */
export class AccessStack extends Stack {
  public readonly profiles: ReadonlyMap<string, AccessProfile>;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const grantsScope = accessScope(config);
    this.profiles = new Map(
      props.profiles.map((profile) => [
        profile.name,
        buildEntry(
          'config/access.ts',
          'profile',
          profile.name,
          () => new AccessProfile(this, profile.name, { profile, scope: grantsScope }),
        ),
      ]),
    );
  }
}
