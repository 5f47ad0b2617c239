/**
 * Used by .github/workflows/pr-review.yml:
 *   tsx scripts/review/comment-cli.ts <sha> <env> <diff-file> <diff-exit-code> <schedules-file> > comment.md
 */
import * as fs from 'node:fs';
import { formatReviewComment } from './comment';

const [sha, environment, diffFile, diffExit, schedulesFile] = process.argv.slice(2);
if (!sha || !environment || !diffFile || diffExit === undefined || !schedulesFile) {
  process.stderr.write('usage: comment-cli.ts <sha> <env> <diff-file> <diff-exit-code> <schedules-file>\n');
  process.exit(2);
}
const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `(${file} missing)`);
process.stdout.write(
  formatReviewComment({
    sha,
    environment,
    cdkDiff: read(diffFile),
    cdkDiffExitCode: Number(diffExit),
    schedules: read(schedulesFile),
  }),
);
