import { describe, expect, it } from 'vitest';
import { synthesized } from './support/synth';

// Snapshots catch unintended change in a PR; the assertions in test/stacks say what matters.
describe.each(['sandbox', 'production'] as const)('%s snapshot', (env) => {
  const { templates } = synthesized(env);
  it.each(Object.keys(templates))('%s stack', (name) => {
    expect(templates[name]!.toJSON()).toMatchSnapshot();
  });
});
