import { describe, expect, it } from 'vitest';
import { configFiles, loadConfig } from '../../lib/config';
import { problemsOf } from '../support/config-problems';
import { jobInput } from '../support/fixtures';

const worker = {
  name: 'relay',
  description: 'Relays orders',
  owner: 'commerce',
  command: ['node', 'main.js'],
  maxProcessingTime: '30s',
  visibilityTimeout: '2m',
};
const QUEUE_ARN = 'arn:aws:sqs:ap-northeast-1:123456789012:orders';

const workersProblems = (workers: object[]) =>
  problemsOf(() => loadConfig('sandbox', { ...configFiles, workers }));

describe('names the platform builds from an entry’s name', () => {
  it('catch a worker whose queue is named like another worker’s dead-letter queue', () => {
    const message = `relay-dlq.name: makes its queue "sandbox-relay-dlq", the name of relay's dead-letter queue: give this worker another name`;
    expect(workersProblems([worker, { ...worker, name: 'relay-dlq' }])).toEqual([message]);
    expect(workersProblems([{ ...worker, name: 'relay-dlq' }, worker])).toEqual([message]);
  });

  it('let a -dlq worker be when one of the two creates no queue', () => {
    const imported = { importedQueueArn: QUEUE_ARN };
    expect(() =>
      loadConfig('sandbox', {
        ...configFiles,
        workers: [worker, { ...worker, name: 'relay-dlq', ...imported }],
      }),
    ).not.toThrow();
    expect(() =>
      loadConfig('sandbox', {
        ...configFiles,
        workers: [
          { ...worker, ...imported },
          { ...worker, name: 'relay-dlq' },
        ],
      }),
    ).not.toThrow();
  });

  it('catch a job name that a long environment name pushes over 64 characters', () => {
    const env = 'long-environment-name'; // 21 characters, the most allowed
    const sources = {
      ...configFiles,
      environments: { [env]: configFiles.environments['sandbox'] },
      tooling: { ...(configFiles.tooling as object), stages: [env] },
      workers: [],
      access: [], // their overrides name environments this app does not have
    };
    const name = `${'n'.repeat(37)}-38`; // 40 characters, the most allowed on its own
    expect(problemsOf(() => loadConfig(env, { ...sources, schedules: [{ ...jobInput, name }] }))).toEqual([
      `${name}.name: makes the task family "long-environment-name-job-${name}" 66 characters long with environment "long-environment-name" in front, more than the 64 the job runner and EventBridge Scheduler take: shorten the name to at most 38 characters`,
    ]);
    const fits = 'n'.repeat(38);
    expect(loadConfig(env, { ...sources, schedules: [{ ...jobInput, name: fits }] }).schedules[0]!.name).toBe(
      fits,
    );
    // The same job name is fine in an environment with a short name.
    expect(() => loadConfig('sandbox', { ...configFiles, schedules: [{ ...jobInput, name }] })).not.toThrow();
  });

  it('are checked alongside every other problem, in one report', () => {
    expect(
      workersProblems([worker, { ...worker, name: 'relay-dlq' }, { ...worker, name: 'other', cpu: 300 }]),
    ).toEqual([
      expect.stringMatching(/^other\.cpu: /),
      expect.stringMatching(/^relay-dlq\.name: makes its queue/),
    ]);
  });
});
