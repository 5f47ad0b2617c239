/**
 * `npm run docs:notifier`: writes the messages the notifier posts into docs/operators-guide.md,
 * between its markers, rendered by the notifier's own code. test/docs.test.ts fails when the
 * guide and the code disagree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesMarkdown } from '../lambda/notifier/test-support/examples';

export const GUIDE = path.join(__dirname, '..', 'docs', 'operators-guide.md');
export const START = '<!-- notifier-examples:start (npm run docs:notifier writes this part) -->';
export const END = '<!-- notifier-examples:end -->';

/** The guide with its examples section replaced by what the code renders now. */
export function withExamples(guide: string): string {
  const start = guide.indexOf(START);
  const end = guide.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${GUIDE} has no ${START} ... ${END} section`);
  return `${guide.slice(0, start + START.length)}\n\n${examplesMarkdown()}\n\n${guide.slice(end)}`;
}

if (require.main === module) {
  fs.writeFileSync(GUIDE, withExamples(fs.readFileSync(GUIDE, 'utf8')));
  process.stdout.write(`wrote the notifier's messages into ${path.relative(process.cwd(), GUIDE)}\n`);
}
