import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';
import { jobInput } from '../support/fixtures';
import { FIXTURE_CONFIG } from '../fixtures/config';

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

const sandbox = (FIXTURE_CONFIG.environments as Record<string, Record<string, unknown>>)['sandbox']!;
const badWorker = { name: 'relay', description: 'Relays', owner: 'sre', command: [] };

describe('loadConfig with several invalid files', () => {
  it('reports the problems of every file, each under its own file, in one error', () => {
    const error = errorOf(() =>
      loadConfig('sandbox', {
        ...FIXTURE_CONFIG,
        environments: { ...FIXTURE_CONFIG.environments, sandbox: { ...sandbox, natGateways: 0 } },
        schedules: [{ ...jobInput, timeout: '0m' }],
        workers: [badWorker],
      }),
    );
    expect(error.files.map((f) => f.file)).toEqual([
      'config/environments.ts',
      'config/schedules.ts',
      'config/workers.ts',
    ]);
    expect(error.file).toBe('config/environments.ts');
    expect(error.files[1]!.problems).toEqual([
      'nightly-report.timeout: "0m" is not a duration: write a positive whole number with s, m or h, e.g. "30m"',
    ]);
    expect(error.files[2]!.problems).toContainEqual(expect.stringMatching(/^relay\.command: is empty/));
    expect(error.problems).toEqual(error.files.flatMap((f) => f.problems));
    expect(error.message).toMatch(
      /^config\/environments\.ts is invalid:\n {2}- sandbox\.natGateways: [^\n]+\nconfig\/schedules\.ts is invalid:\n {2}- nightly-report\.timeout: [^\n]+\nconfig\/workers\.ts is invalid:\n {2}- relay\.command: /,
    );
  });

  it('checks schedules and workers when the environment asked for does not exist', () => {
    const error = errorOf(() => loadConfig('prod', { ...FIXTURE_CONFIG, workers: [badWorker] }));
    expect(error.files.map((f) => f.file)).toEqual(['config/environments.ts', 'config/workers.ts']);
    expect(error.files[0]!.problems[0]).toMatch(/^-c env=prod: no such environment/);
  });

  it('checks overrides against the environments as written when environments.ts is invalid', () => {
    const error = errorOf(() =>
      loadConfig('sandbox', {
        ...FIXTURE_CONFIG,
        environments: { ...FIXTURE_CONFIG.environments, sandbox: { ...sandbox, natGateways: 0 } },
        schedules: [{ ...jobInput, overrides: { sandbox: { retries: 1 } } }],
      }),
    );
    // sandbox is invalid, not unknown: the override is not blamed for it.
    expect(error.files.map((f) => f.file)).toEqual(['config/environments.ts']);
  });

  it('puts two errors about the same file under one heading', () => {
    const merged = ConfigError.all([
      new ConfigError('config/a.ts', ['x: one']),
      new ConfigError('config/b.ts', ['y: two']),
      new ConfigError('config/a.ts', ['z: three']),
    ]);
    expect(merged.files).toEqual([
      { file: 'config/a.ts', problems: ['x: one', 'z: three'] },
      { file: 'config/b.ts', problems: ['y: two'] },
    ]);
    expect(merged.message).toBe(
      'config/a.ts is invalid:\n  - x: one\n  - z: three\nconfig/b.ts is invalid:\n  - y: two',
    );
  });
});
