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

export function formatReviewComment(inputs: ReviewInputs): string {
  const changed = inputs.cdkDiffExitCode !== 0;
  const header = [
    COMMENT_MARKER,
    `### batch-platform review for \`${inputs.sha.slice(0, 7)}\``,
    '',
    changed
      ? `**Infrastructure changes in ${inputs.environment}** — read the diff below before approving.`
      : `No infrastructure changes in ${inputs.environment}.`,
    '',
  ].join('\n');
  const sections = [
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
