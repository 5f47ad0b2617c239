import { ACCESS_CHANGES } from '../schedules/access';

/**
 * The pull-request review comment: `cdk diff` against staging and the schedule report, in
 * one comment that the workflow updates on every push (found by the marker) instead of
 * adding a new one each time.
 */
export const COMMENT_MARKER = '<!-- batch-platform-review -->';

/** GitHub rejects comment bodies over 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;

export interface ReviewInputs {
  readonly sha: string;
  readonly environment: string;
  readonly cdkDiff: string;
  readonly cdkDiffExitCode: number;
  readonly schedules: string;
}

/**
 * The access changes of the schedule report (`npm run schedules -- --base`): the lines under
 * its "Access changes against" heading (changes, and the environments they are in), none
 * when it says there are none.
 */
export function accessChanges(schedules: string): string[] {
  const lines = stripAnsi(schedules).split('\n');
  const start = lines.findIndex((line) => line.startsWith(ACCESS_CHANGES));
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('  '));
  const section = lines.slice(start + 1, end < 0 ? undefined : end).map((line) => line.slice(2));
  return section.some((line) => /^\s*[+~-] /.test(line)) ? section : [];
}

export function formatReviewComment(inputs: ReviewInputs): string {
  const changed = inputs.cdkDiffExitCode !== 0;
  const access = accessChanges(inputs.schedules);
  const changes = access.filter((line) => /^\s*[+~-] /.test(line)).length;
  const header = [
    COMMENT_MARKER,
    `### batch-platform review for \`${inputs.sha.slice(0, 7)}\``,
    '',
    changed
      ? `**Infrastructure changes in ${inputs.environment}** — read the diff below before approving.`
      : `No infrastructure changes in ${inputs.environment}.`,
    '',
    ...(access.length > 0
      ? [
          `**Access changes: ${changes}** — who may do what in AWS changes with this pull request; the profile's owner should approve.`,
          '',
        ]
      : []),
  ].join('\n');
  const sections = [
    ...(access.length > 0
      ? [section('Access changes (config/access.ts, `access` of jobs)', access.join('\n'))]
      : []),
    section('Schedule report (`npm run schedules -- --base origin/main`)', inputs.schedules),
    section(`\`cdk diff\` against ${inputs.environment}`, inputs.cdkDiff, changed),
  ];
  return fit(header, sections);
}

function section(title: string, body: string, open = true): { title: string; body: string; open: boolean } {
  return { title, body: stripAnsi(body).trimEnd() || '(no output)', open };
}

/** Keeps the comment under GitHub's limit by truncating the longest section, saying so. */
function fit(header: string, sections: { title: string; body: string; open: boolean }[]): string {
  const render = () =>
    header +
    sections
      .map(
        (s) =>
          `<details${s.open ? ' open' : ''}><summary>${s.title}</summary>\n\n\`\`\`\n${s.body}\n\`\`\`\n</details>\n`,
      )
      .join('\n');
  let text = render();
  while (text.length > MAX_COMMENT_CHARS) {
    const longest = sections.reduce((a, b) => (b.body.length > a.body.length ? b : a));
    const keep = Math.max(0, longest.body.length - (text.length - MAX_COMMENT_CHARS) - 200);
    longest.body = `${longest.body.slice(0, keep)}\n… truncated: see the workflow log for the full output`;
    text = render();
  }
  return text;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
