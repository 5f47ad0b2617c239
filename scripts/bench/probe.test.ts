import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProbeRecords } from './phases';

const PROBE = `--import=${pathToFileURL(path.join(__dirname, '..', '..', 'bench', 'probe.mjs')).href}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-probe-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a tiny script (no CDK) in a Node process with the probe preloaded as the bench does. */
function runProbed(code: string, env: Record<string, string>) {
  const script = path.join(dir, 'script.js');
  fs.writeFileSync(script, code);
  const result = spawnSync(process.execPath, [script], {
    env: { ...process.env, ...env, NODE_OPTIONS: PROBE },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return script;
}

describe('bench/probe.mjs', () => {
  it('appends one record per process at exit: script, start, exit and peak RSS', () => {
    const file = path.join(dir, 'probe.jsonl');
    const before = Date.now();
    const script = runProbed('Buffer.alloc(64 * 1024 * 1024, 1);', { BENCH_PROBE_FILE: file });
    runProbed('', { BENCH_PROBE_FILE: file });
    const records = parseProbeRecords(fs.readFileSync(file, 'utf8'));
    expect(records).toHaveLength(2);
    const [first] = records;
    expect(first!.script).toBe(script);
    expect(first!.startMs).toBeGreaterThan(before - 1000);
    expect(first!.exitMs).toBeGreaterThanOrEqual(first!.startMs);
    expect(first!.exitMs).toBeLessThanOrEqual(Date.now());
    expect(first!.maxRssKiB).toBeGreaterThan(64 * 1024); // the 64 MiB buffer
  });

  it('records nothing and hooks nothing without BENCH_PROBE_FILE', () => {
    const file = path.join(dir, 'hook.txt');
    runProbed(
      `require('fs').writeFileSync(${JSON.stringify(file)}, String(globalThis[Symbol.for('@aws-cdk/core.App#initHook')]));`,
      {},
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('undefined');
  });
});
