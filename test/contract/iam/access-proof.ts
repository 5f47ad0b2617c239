import { crossAccountStatements, profileStatements, type AccessScope } from '../../../lib/access/statements';
import type { AccessProfileConfig } from '../../../lib/config';
import { accessNames } from '../../../lib/schedule/naming';
import { profileProbes, type Probe } from './access-probes';
import type { JsonObject } from './cfn';
import type { IamWorld, PolicyDocument } from './policies';
import { decide, type Decision } from './simulate';

/**
 * Runs the probes of an access profile (test/contract/iam/access-probes.ts) in the IAM
 * simulator, as the role of the jobs that name it. Used on the fixture's whole app
 * (test/contract/access.test.ts) and on the shipped config's Access stacks
 * (test/shipped-config.test.ts), so a profile an operator adds is proven in its pull request.
 */
export class AccessProof {
  constructor(
    private readonly world: IamWorld,
    readonly scope: AccessScope,
  ) {}

  /** The role of the jobs with `profile`. */
  role(profile: string): string {
    return accessNames(this.scope.environment).role(profile);
  }

  /** `probe` as `principal` (the profile's role unless told), with the other account's policy where it needs one. */
  verdict(
    profile: AccessProfileConfig,
    probe: Probe,
    principal = this.role(profile.name),
  ): Promise<Decision> {
    const resourcePolicy = this.theirPolicy(profile, probe);
    return decide(
      this.world,
      {
        principal,
        action: probe.action,
        resource: probe.resource,
        ...(probe.context ? { context: probe.context } : {}),
        ...(probe.resourceAccount ? { resourceAccount: probe.resourceAccount } : {}),
        ...(resourcePolicy ? { resourcePolicy } : {}),
      },
      { implied: false },
    );
  }

  /**
   * The probes of `profile` whose verdict is not the expected one, each a line; stops at
   * `limit`. `leaks` looks only at calls that must be denied.
   */
  async findings(profile: AccessProfileConfig, { limit = Infinity, leaks = false } = {}): Promise<string[]> {
    const found: string[] = [];
    const probes = profileProbes(profile, this.scope).filter(
      (p) => !leaks || p.expect === 'ImplicitlyDenied',
    );
    for (const probe of probes) {
      const decision = await this.verdict(profile, probe);
      if (decision.verdict !== probe.expect) {
        found.push(
          `${profile.name}: ${decision.verdict}, expected ${probe.expect}: ${probe.action} ${probe.resource} (${probe.why})`,
        );
        if (found.length >= limit) break;
      }
    }
    return found;
  }

  /** The account a probe's resource is in ('' for `*`). */
  static accountOf(probe: Probe): string {
    return probe.resourceAccount ?? probe.resource.split(':')[4] ?? '';
  }

  /**
   * The policy of a resource in another account, which our templates cannot hold. A call that
   * must be allowed gets what `cdk synth` prints for that account to add, proving the printed
   * statement is enough. A call that must be denied gets a policy open to the role, as
   * generous as that account could be: our own policy alone must deny it.
   */
  private theirPolicy(profile: AccessProfileConfig, probe: Probe): PolicyDocument | undefined {
    const account = AccessProof.accountOf(probe);
    if (account === '' || account === this.scope.account) return undefined;
    const roleArn = `arn:${this.scope.partition}:iam::${this.scope.account}:role/${this.role(profile.name)}`;
    if (probe.expect === 'Allowed') {
      const printed = crossAccountStatements(
        profileStatements(profile.grants, this.scope),
        roleArn,
        'Probe',
      ).filter((s) => s.account === account);
      return { Version: '2012-10-17', Statement: printed.map((s) => s.statement as unknown as JsonObject) };
    }
    return {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: roleArn }, Action: '*', Resource: '*' }],
    };
  }
}
