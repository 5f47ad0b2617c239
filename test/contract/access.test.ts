import { beforeAll, describe, expect, it } from 'vitest';
import { accessScope } from '../../lib/access/statements';
import { loadConfig } from '../../lib/config';
import { accessNames } from '../../lib/schedule/naming';
import { FIXTURE_CONFIG } from '../fixtures/config';
import { elsewhere, profileProbes } from './iam/access-probes';
import { AccessProof } from './iam/access-proof';
import type { JsonObject, StackTemplate } from './iam/cfn';
import { IamWorld } from './iam/policies';
import { decide } from './iam/simulate';
import { platformWorld } from './iam/worlds';

/**
 * Access profiles (config/access.ts) as IAM will hold them: for every profile of the fixture,
 * each grant's calls are allowed and a sample of their neighbours denied, evaluated by
 * @cloud-copilot/iam-simulate over the synthesized app (test/contract/iam/). The probes come
 * from the grants (test/contract/iam/access-probes.ts), so a new profile is proven without a
 * new test; the fixture's `every-grant` profile holds each kind of grant.
 */

const ENVIRONMENT = 'sandbox';
const config = loadConfig(ENVIRONMENT, FIXTURE_CONFIG);
const scope = accessScope(config.environment);
const names = accessNames(ENVIRONMENT);

/** A copy of the synthesized stacks with one statement of a profile's policy changed. */
function widened(
  stacks: readonly StackTemplate[],
  profile: string,
  statement: number,
  change: (s: JsonObject) => JsonObject,
): IamWorld {
  const copy = JSON.parse(JSON.stringify(stacks)) as StackTemplate[];
  const policy = managedPolicy(copy, profile);
  const statements = policy.Statement as JsonObject[];
  statements[statement] = change(statements[statement]!);
  return new IamWorld(copy);
}

function managedPolicy(stacks: readonly StackTemplate[], profile: string): JsonObject {
  const found = stacks.flatMap((stack) =>
    Object.values(stack.template.Resources ?? {}).filter(
      (r) =>
        r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties?.ManagedPolicyName === names.policy(profile),
    ),
  );
  if (found.length !== 1) throw new Error(`${found.length} managed policies named ${names.policy(profile)}`);
  return found[0]!.Properties!.PolicyDocument as JsonObject;
}

let world: IamWorld;
let proof: AccessProof;
beforeAll(() => {
  world = platformWorld(ENVIRONMENT);
  proof = new AccessProof(world, scope);
});
const probesOf = (profile: (typeof config.access)[number]) => profileProbes(profile, scope);

describe('access profiles, sandbox: each grant allowed, its neighbours denied', () => {
  it('covers every kind of grant', () => {
    const kinds = new Set(config.access.flatMap((p) => p.grants.map((g) => g.grant)));
    expect([...kinds].sort()).toEqual(
      [
        'consumeQueue',
        'describeDbSnapshots',
        'putEvents',
        'readBucket',
        'readParameters',
        'readSecret',
        'readTable',
        'sendToQueue',
        'startAthenaQuery',
        'statement',
        'writeBucket',
        'writeTable',
      ].sort(),
    );
  });

  for (const profile of config.access) {
    describe(`profile ${profile.name} (${names.role(profile.name)})`, () => {
      for (const probe of probesOf(profile)) {
        it(`${probe.expect}: ${probe.action} ${probe.resource} — ${probe.why}`, async () => {
          const decision = await proof.verdict(profile, probe);
          expect(decision.verdict, decision.explanation).toBe(probe.expect);
        });
      }
    });
  }
});

describe('a job without a profile can call nothing', () => {
  const everything = config.access.flatMap((profile) =>
    probesOf(profile)
      .filter((p) => p.expect === 'Allowed')
      .map((probe) => ({ profile, probe })),
  );
  it(`is denied all ${everything.length} calls the profiles allow`, async () => {
    const allowed: string[] = [];
    for (const { profile, probe } of everything) {
      const decision = await proof.verdict(profile, probe, `${ENVIRONMENT}-job-task-0`);
      if (decision.verdict !== 'ImplicitlyDenied') allowed.push(`${probe.action} ${probe.resource}`);
    }
    expect(allowed).toEqual([]);
  });
});

describe('another account', () => {
  const profile = config.access.find((p) => p.name === 'every-grant')!;
  const foreign = probesOf(profile).filter(
    (p) =>
      p.expect === 'Allowed' && ![scope.account, elsewhere(scope), ''].includes(AccessProof.accountOf(p)),
  );

  it('the fixture writes to a bucket of another account, with its key', () => {
    expect(foreign.map((p) => p.action).sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:AbortMultipartUpload',
      's3:PutObject',
    ]);
  });

  it('needs the statement synth prints in that account: without it, every call is denied', async () => {
    for (const probe of foreign) {
      const decision = await decide(
        world,
        {
          principal: names.role(profile.name),
          action: probe.action,
          resource: probe.resource,
          ...(probe.context ? { context: probe.context } : {}),
          ...(probe.resourceAccount ? { resourceAccount: probe.resourceAccount } : {}),
        },
        { implied: false },
      );
      expect(decision.verdict, decision.explanation).toBe('ImplicitlyDenied');
    }
  });
});

describe('a widened profile fails the proof', () => {
  for (const profile of config.access) {
    const statements = () => managedPolicy(platformStacks(), profile.name).Statement as JsonObject[];
    it(`${profile.name}: any one statement with Action "*", Resource "*" or no Condition lets a denied call through`, async () => {
      const unnoticed: string[] = [];
      // The guard's Deny statements only take away; widening an Allow is what must be caught.
      for (const [index, statement] of statements().entries()) {
        if (statement.Effect !== 'Allow') continue;
        const variants: [string, (s: JsonObject) => JsonObject][] = [
          ['Action "*"', (s) => ({ ...s, Action: '*' })],
        ];
        if (statement.Resource !== '*') variants.push(['Resource "*"', (s) => ({ ...s, Resource: '*' })]);
        if (statement.Condition !== undefined) {
          variants.push([
            'no Condition',
            (s) =>
              Object.fromEntries<JsonObject[string]>(
                Object.entries(s).filter(([key]) => key !== 'Condition'),
              ),
          ]);
        }
        for (const [label, change] of variants) {
          const world = widened(platformStacks(), profile.name, index, change);
          const leaks = await new AccessProof(world, scope).findings(profile, { limit: 1, leaks: true });
          if (leaks.length === 0)
            unnoticed.push(`statement ${index} with ${label}: ${JSON.stringify(statement)}`);
        }
      }
      expect(
        unnoticed,
        'widenings no probe notices: add a neighbour to test/contract/iam/access-probes.ts',
      ).toEqual([]);
    });
  }

  it('and the profiles as synthesized pass it', async () => {
    for (const profile of config.access) expect(await proof.findings(profile), profile.name).toEqual([]);
  });
});

function platformStacks(): readonly StackTemplate[] {
  return world.stacks;
}
