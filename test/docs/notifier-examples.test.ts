import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GUIDE, withExamples } from '../../scripts/docs-notifier';

describe("the operator's guide", () => {
  it('shows the messages the notifier renders today (npm run docs:notifier updates it)', () => {
    const guide = fs.readFileSync(GUIDE, 'utf8');
    expect(guide, 'docs/operators-guide.md is out of date: run npm run docs:notifier').toBe(
      withExamples(guide),
    );
  });
});
