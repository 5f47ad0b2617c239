import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMENT_MARKER } from '../scripts/review/comment';

const dir = path.join(__dirname, '..', '.github', 'workflows');
type Workflow = {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[] }>;
};
const load = (file: string) =>
  parse(fs.readFileSync(path.join(dir, file), 'utf8'), { strict: true }) as Workflow;

describe('GitHub Actions workflows', () => {
  it('every workflow parses as YAML with jobs and steps', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yml'));
    expect(files.sort()).toEqual(['ci.yml', 'pr-review.yml']);
    for (const file of files) {
      const workflow = load(file);
      expect(Object.keys(workflow.jobs).length, file).toBeGreaterThan(0);
      for (const job of Object.values(workflow.jobs)) expect(job.steps.length, file).toBeGreaterThan(0);
    }
  });

  it('ci runs the same script as CI here', () => {
    const steps = load('ci.yml').jobs['ci']!.steps;
    expect(steps.map((s) => s.run)).toContain('bash .ci/run');
  });

  it('pr-review uses OIDC (no stored keys), diffs staging and updates one marked comment', () => {
    const workflow = load('pr-review.yml');
    expect(workflow.permissions).toMatchObject({
      'id-token': 'write',
      'pull-requests': 'write',
      contents: 'read',
    });
    const steps = workflow.jobs['review']!.steps;
    const credentials = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'));
    expect(credentials?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_REVIEW_ROLE_ARN }}' });
    expect(JSON.stringify(credentials?.with)).not.toMatch(/aws-access-key-id|secret/i);
    const diff = steps.filter((s) => s.run?.includes('cdk diff'));
    expect(diff).toHaveLength(1);
    // A template diff reads through the CDK lookup role; a change set would need the deploy role.
    expect(diff[0]!.run).toContain('npx cdk diff -c env=staging --method=template');
    expect(diff[0]!.run).not.toMatch(/--change-?set|--method[= ](auto|change-set)/);
    expect(JSON.stringify(workflow)).not.toMatch(/deploy-role|publishing-role|cfn-exec-role/);
    expect(steps.some((s) => s.run?.includes('schedules -- --env staging --base'))).toBe(true);
    const script = steps.find((s) => s.uses?.startsWith('actions/github-script'))!.with!['script']!;
    expect(script).toContain(COMMENT_MARKER);
    expect(script).toContain('updateComment');
  });
});
