import { describe, expect, it } from 'vitest';
import { PROGRESS_STATES } from '../../scripts/job/progress';
import { jobRunnerDefinition } from './definition';

describe('npm run job -- run: progress', () => {
  it("reads only states the synthesized runner has, so renaming one fails here, not in an operator's terminal", () => {
    const states = Object.keys(
      (jobRunnerDefinition('sandbox') as { States: Record<string, unknown> }).States,
    );
    for (const name of PROGRESS_STATES) expect(states, name).toContain(name);
  });
});
