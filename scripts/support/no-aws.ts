import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Runs a command-line script (a path from the repository root, e.g. test/fixtures/cli/job.ts)
 * as a fresh machine would: nothing for the AWS SDK's default credential chain to find — no
 * keys, no profile files, no instance metadata.
 */
export function runWithoutAws(script: string, args: readonly string[], timeoutMs = 60_000) {
  const home = mkdtempSync(path.join(tmpdir(), 'no-aws-'));
  const root = path.join(__dirname, '..', '..');
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: home,
      AWS_CONFIG_FILE: path.join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
}
