import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configFiles, loadConfig, type ConfigSources, type PlatformConfig } from '../../lib/config';
import { jobInput } from '../support/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const APP = 'node --import tsx test/support/cli-app.ts';

/** Runs the real `cdk synth` CLI on test/support/cli-app.ts with the config injected. */
async function cdkSynth(injected: {
  sources?: Partial<ConfigSources>;
  unchecked?: Partial<PlatformConfig>;
}): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-errors-'));
  try {
    await promisify(execFile)(
      path.join(ROOT, 'node_modules', '.bin', 'cdk'),
      ['synth', '-q', '--no-notices', '--app', APP, '--output', output],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          BATCH_PLATFORM_TEST_CONFIG: JSON.stringify(injected),
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          FORCE_COLOR: '0',
        },
      },
    );
    return { code: 0, stdout: '', stderr: '' };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  } finally {
    fs.rmSync(output, { recursive: true, force: true });
  }
}

describe('cdk synth with a bad config', () => {
  it('prints the problems (entry, field, fix) and nothing else, and exits 1', async () => {
    const result = await cdkSynth({
      sources: {
        schedules: [
          { ...jobInput, cron: '0 9 * * MON-FRI *' },
          { ...jobInput, name: 'hourly', retries: 9, disabledReson: 'moved' },
        ],
        workers: [],
      },
    });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'config/schedules.ts is invalid:',
        '  - nightly-report.cron: day-of-month "*" and day-of-week "MON-FRI" are both set; AWS needs "?" in one of them (write "0 9 ? * MON-FRI *" to run on day-of-week MON-FRI only)',
        '  - hourly.retries: is more than 5: a job failing that often needs fixing, not retrying',
        '  - hourly.disabledReson: is not a known field: did you mean "disabledReason"?',
        `${APP}: Subprocess exited with error 1`,
        '',
      ].join('\n'),
    });
  });

  it('names the entry and field when CDK rejects what a valid-looking entry becomes', async () => {
    const [job] = loadConfig('sandbox', { ...configFiles, schedules: [jobInput] }).schedules;
    const result = await cdkSynth({ unchecked: { schedules: [{ ...job!, name: 'x'.repeat(64) }] } });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'config/schedules.ts is invalid:',
        `  - ${'x'.repeat(64)}.name: AWS CDK rejected this job: scheduleName cannot be longer than 64 characters, got: 74; choose a shorter or different name for this job`,
        `${APP}: Subprocess exited with error 1`,
        '',
      ].join('\n'),
    });
  });
});
