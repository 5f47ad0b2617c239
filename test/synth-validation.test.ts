import { describe, expect, it } from 'vitest';
import { CONFIGURATION_NAMES } from './support/synth-result';
import { synthesized } from './support/synth';

// Unit synths skip CDK's built-in CloudFormation validation (seconds per app). The suite's one
// synthesis of each configuration (test/support/global-synth.ts) runs it, as `cdk synth`
// does, and this is the test that reads what it found: for every environment, and for the
// pipeline with the stages it deploys. The only warning is W3010: availability zones come
// from config on purpose, so synth needs no lookup.
describe('CDK’s built-in CloudFormation validation', () => {
  it.each(CONFIGURATION_NAMES.filter((name) => name !== 'tooling'))('passes every stack of %s', (name) => {
    const { cloudFormationFindings, nagFindings } = synthesized(name);
    expect(cloudFormationFindings).toEqual({ errors: [], warnings: ['W3010'] });
    expect(nagFindings).toEqual([]);
  });

  it('passes the pipeline and the stages it deploys (-c env=tooling)', () => {
    const { cloudFormationFindings, nagFindings, guardFindings } = synthesized('tooling');
    expect(cloudFormationFindings.errors).toEqual([]);
    expect(nagFindings).toEqual([]);
    expect(guardFindings).toEqual([]);
  });
});
