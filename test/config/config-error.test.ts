import { App } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildEntry, ConfigError } from '../../lib/config/config-error';
import { problemsOf } from '../support/config-problems';

describe('buildEntry', () => {
  it('returns what the entry was built into', () => {
    expect(buildEntry('config/workers.ts', 'worker', 'relay', () => 42)).toBe(42);
  });

  it('turns a construct-id clash into a problem of the entry’s name', () => {
    const stack = new Construct(new App(), 'Workers');
    new Construct(stack, 'relay');
    const problems = problemsOf(() =>
      buildEntry('config/workers.ts', 'worker', 'relay', () => new Construct(stack, 'relay')),
    );
    expect(problems).toEqual([
      "relay.name: AWS CDK rejected this worker: There is already a Construct with name 'relay' in Construct [Workers]; choose a shorter or different name for this worker",
    ]);
  });

  it('names the file to edit', () => {
    try {
      buildEntry('config/schedules.ts', 'job', 'report', () => {
        throw new Error('scheduleName cannot be longer than 64 characters, got: 70');
      });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).file).toBe('config/schedules.ts');
      expect((e as ConfigError).message).toBe(
        'config/schedules.ts is invalid:\n  - report.name: AWS CDK rejected this job: scheduleName cannot be longer than 64 characters, got: 70; choose a shorter or different name for this job',
      );
      return;
    }
    expect.unreachable();
  });

  it('blames no field when CDK’s message names none', () => {
    const problems = problemsOf(() =>
      buildEntry('config/schedules.ts', 'job', 'report', () => {
        throw new Error('cpu must be a multiple of 256');
      }),
    );
    expect(problems).toEqual(['report: AWS CDK rejected this job: cpu must be a multiple of 256']);
  });

  it('passes a ConfigError, and anything that is not an Error, through unchanged', () => {
    const original = new ConfigError('config/workers.ts', ['relay.cpu: no']);
    expect(() =>
      buildEntry('config/schedules.ts', 'job', 'x', () => {
        throw original;
      }),
    ).toThrow(original);
    expect(() =>
      buildEntry('config/schedules.ts', 'job', 'x', () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a library may throw anything
        throw 'name';
      }),
    ).toThrow('name');
  });
});
