import { describe, expect, it } from 'vitest';
import { synthPlatform } from './support/synth';

// Snapshots catch unintended change in a PR; the assertions in test/stacks say what matters.
describe.each(['sandbox', 'production'])('%s snapshot', (env) => {
  const { templates } = synthPlatform(env);
  it.each(Object.keys(templates))('%s stack', (name) => {
    expect(templates[name]!.toJSON()).toMatchSnapshot();
  });
});
