import { App } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { configFiles, loadConfig } from '../../lib/config';
import { buildEntry, ConfigError } from '../../lib/config/config-error';
import { problemsOf } from '../support/config-problems';
import { jobInput } from '../support/fixtures';

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

  it.each([
    'queueName must be at most 80 characters',
    'family can be up to 255 characters',
    'serviceName is too long',
    'alarmName is too long',
  ])('blames the name for a name CDK rejects: %s', (message) => {
    const problems = problemsOf(() =>
      buildEntry('config/workers.ts', 'worker', 'relay', () => {
        throw new Error(message);
      }),
    );
    expect(problems).toEqual([
      `relay.name: AWS CDK rejected this worker: ${message}; choose a shorter or different name for this worker`,
    ]);
  });

  it('does not blame the name for another name in CDK’s message', () => {
    expect(
      problemsOf(() =>
        buildEntry('config/workers.ts', 'worker', 'relay', () => {
          throw new Error('parameterName must start with /');
        }),
      ),
    ).toEqual(['relay: AWS CDK rejected this worker: parameterName must start with /']);
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

describe('a field of the wrong type', () => {
  const jobProblems = (job: object) =>
    problemsOf(() => loadConfig('sandbox', { ...configFiles, schedules: [{ ...jobInput, ...job }] }));

  it('is "must be <type>", not "is required", with what to write', () => {
    expect(jobProblems({ owner: 42, description: ['x'], cron: { daily: true } })).toEqual([
      'nightly-report.description: must be a string, got a list: one line saying what the job does',
      'nightly-report.owner: must be a string, got a number: the team that answers for this job, e.g. "sre"',
      'nightly-report.cron: must be a string, got an object: six AWS cron fields, e.g. "0 3 * * ? *" for 03:00 daily',
    ]);
  });

  it('is said in words where the schema gives none of its own', () => {
    expect(
      jobProblems({ enabled: 'no', notify: 7, environment: [], secrets: { A: { secretsManager: null } } }),
    ).toEqual([
      'nightly-report.notify: must be a string, got a number',
      'nightly-report.environment: must be an object, got a list',
      'nightly-report.secrets.A: must be a reference, { secretsManager: "<name or ARN>", field?: "<json key>" } or { ssmParameter: "/path" }; never a plain value',
      'nightly-report.enabled: must be true or false, got a string',
    ]);
  });

  it('names the type zod expected and the one it got', () => {
    const sandbox = configFiles.environments['sandbox'] as object;
    const envProblems = (change: object) =>
      problemsOf(() =>
        loadConfig('sandbox', {
          ...configFiles,
          environments: { ...configFiles.environments, sandbox: { ...sandbox, ...change } },
        }),
      );
    expect(envProblems({ fargateVcpuQuota: '6' })).toEqual([
      'sandbox.fargateVcpuQuota: must be a number, got a string',
    ]);
    expect(envProblems({ review: true })).toEqual(['sandbox.review: must be an object, got a boolean']);
    expect(jobProblems({ notify: { channel: '#x' } })).toEqual([
      'nightly-report.notify: must be a string, got an object',
    ]);
  });

  it('is "is required" when missing or null', () => {
    expect(jobProblems({ owner: undefined, description: null })).toEqual([
      'nightly-report.description: is required: one line saying what the job does',
      'nightly-report.owner: is required: the team that answers for this job, e.g. "sre"',
    ]);
    const { connectionArn: _, ...tooling } = configFiles.tooling as Record<string, unknown>;
    expect(problemsOf(() => loadConfig('sandbox', { ...configFiles, tooling }))).toEqual([
      'tooling.connectionArn: is required: a string',
    ]);
  });

  it('that is empty where text is needed says so', () => {
    expect(jobProblems({ description: '' })).toEqual([
      'nightly-report.description: is empty: say in one line what the job does',
    ]);
    const worker = {
      name: 'relay',
      description: '',
      owner: 'sre',
      command: ['node', 'main.js'],
      maxProcessingTime: '30s',
      visibilityTimeout: '2m',
    };
    expect(problemsOf(() => loadConfig('sandbox', { ...configFiles, workers: [worker] }))).toEqual([
      'relay.description: is empty: say in one line what the worker does',
    ]);
  });
});
