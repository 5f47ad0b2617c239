import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigError, configFiles, loadConfig } from '../lib/config';
import { accessScope } from '../lib/access/statements';
import { AccessStack } from '../lib/stacks/access-stack';
import { AccessProof } from './contract/iam/access-proof';
import { IamWorld } from './contract/iam/policies';
import { testApp } from './support/cdk-context';
import { shippedApps, shippedResultFile, type ShippedApp, type ShippedResult } from './support/shipped';

// The one test about the shipped config/ — what operators edit in pull requests — and so the
// only one a config edit can fail: every other test runs on test/fixtures/config/ (D34).
// It says config/ loads for every environment, and that every environment and the pipeline
// synthesize as `cdk synth` does with cdk-nag, the Control Tower checks, the template limits
// and CloudFormation's own validation clean. A failure lists what to fix, one line each,
// naming the file, the job or worker and the field.

const environments = Object.keys(configFiles.environments);

/** The ConfigError's problems as `<file>: <entry>.<field>: <fix>`; empty when config loads. */
function loadProblems(environment: string): string[] {
  try {
    loadConfig(environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${error.file}: ${p}`);
    throw error;
  }
}

/** Every environment's load problems, each once: with the environments it is in unless all. */
function allLoadProblems(): string[] {
  const where = new Map<string, string[]>();
  for (const environment of environments) {
    for (const problem of loadProblems(environment))
      where.set(problem, [...(where.get(problem) ?? []), environment]);
  }
  return [...where].map(([problem, envs]) =>
    envs.length === environments.length ? problem : `${problem} (in ${envs.join(', ')})`,
  );
}

/**
 * The global setup synthesizes config/ after the fixture, while test files already run
 * (test/support/global-synth.ts): wait for its result.
 */
async function shippedResult(): Promise<ShippedResult> {
  const file = shippedResultFile(inject('synthDir'));
  const deadline = Date.now() + 110_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no synthesis of config/ after 110 s (${file})`);
    await sleep(200);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ShippedResult;
}

describe('the shipped config/', () => {
  it('loads for every environment', () => {
    expect(allLoadProblems(), 'config/ does not load; fix').toEqual([]);
  });

  let apps: readonly ShippedApp[] = [];
  beforeAll(async () => {
    const result = await shippedResult();
    if ('crashed' in result) throw new Error(result.crashed);
    apps = result.apps;
  }, 120_000);

  it.for(shippedApps().map((a) => [a.name === 'tooling' ? 'the pipeline' : a.name, a] as const))(
    '%s synthesizes with cdk-nag, Control Tower and CloudFormation validation clean',
    ([label, { name, environments: covered }], { skip }) => {
      const app = apps.find((a) => a.name === name);
      expect(app?.environments, `${name} was not synthesized`).toEqual(covered);
      // A config that does not load cannot synthesize: the test above lists its problems once.
      const loading = new Set(environments.flatMap(loadProblems));
      const problems = app!.problems.filter((p) => !loading.has(p));
      skip(problems.length === 0 && app!.problems.length > 0, 'config/ does not load (see above)');
      expect(problems, `${label} cannot deploy from config/; fix`).toEqual([]);
    },
  );

  it('synthesizes every environment once: on its own, or as a stage of the pipeline', () => {
    expect(apps.flatMap((a) => a.environments).sort()).toEqual([...environments].sort());
  });

  it.for(environments)(
    '%s: each access profile allows its grants and denies their neighbours (IAM simulation of its Access stack)',
    async (environment, { skip }) => {
      skip(loadProblems(environment).length > 0, 'config/ does not load (see above)');
      const config = loadConfig(environment);
      const app = testApp();
      const env = { account: config.environment.account, region: config.environment.region };
      const stack = new AccessStack(app, 'Access', {
        env,
        config: config.environment,
        profiles: config.access,
      });
      const world = new IamWorld([
        { path: 'Access', stackName: stack.stackName, ...env, template: Template.fromStack(stack).toJSON() },
      ]);
      const proof = new AccessProof(world, accessScope(config.environment));
      const findings = (await Promise.all(config.access.map((profile) => proof.findings(profile)))).flat();
      expect(findings, `config/access.ts grants other than it says in ${environment}; fix`).toEqual([]);
    },
  );
});
