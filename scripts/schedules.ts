/**
 * The schedule review report, offline:
 *   npm run schedules -- [--env sandbox] [--from <ISO time>] [--base <git ref>] [--html <file>]
 * A table of every job with its next runs in its own zone, warnings worth a reviewer's look,
 * and with --base what the change does to the schedules (what pr-review.yml posts).
 * Everything but the wiring lives in scripts/schedules/ and is unit-tested there.
 */
import * as fs from 'node:fs';
import { consoleOutput } from './job/output';
import { schedulesMain } from './schedules/main';

process.exitCode = schedulesMain(process.argv.slice(2), {
  out: consoleOutput,
  now: () => new Date(),
  writeFile: (file, text) => fs.writeFileSync(file, text),
});
