import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { workerResourceCount } from '../../lib/config/worker-schema';
import { problemsOf } from '../support/config-problems';
import type { WorkerInput } from '../../lib/config/worker-schema';
import { FIXTURE_CONFIG } from '../fixtures/config';

/** The fixture but for the profile that sends to a fixture worker, which these tests replace. */
const NO_GRANT_TO_A_WORKER = {
  ...FIXTURE_CONFIG,
  access: (FIXTURE_CONFIG.access as { name: string }[]).filter((p) => p.name !== 'every-grant'),
};

const worker: WorkerInput = {
  name: 'order-relay',
  description: 'Relays orders',
  owner: 'commerce',
  command: ['node', 'main.js', 'webhook-relay'],
  maxProcessingTime: '30s',
  visibilityTimeout: '2m',
};

const problemsOfWorkers = (workers: unknown[], env = 'sandbox') =>
  problemsOf(() => loadConfig(env, { ...NO_GRANT_TO_A_WORKER, workers }));

describe('config/workers.ts', () => {
  it('accepts the shipped workers: six, two singletons, one scaled', () => {
    const { workers } = loadConfig('production', FIXTURE_CONFIG);
    expect(workers).toHaveLength(6);
    expect(workers.filter((w) => w.singleton)).toHaveLength(2);
    expect(workers.filter((w) => w.scaling)).toHaveLength(1);
  });

  it('fills defaults and applies per-environment overrides', () => {
    const [parsed] = loadConfig('sandbox', { ...NO_GRANT_TO_A_WORKER, workers: [worker] }).workers;
    expect(parsed).toMatchObject({
      image: { directory: 'sqs-worker' },
      cpu: 256,
      memory: 512,
      desiredCount: 1,
      maxReceiveCount: 5,
      singleton: false,
      visibilityTimeoutSeconds: 120,
      maxProcessingSeconds: 30,
      oldestMessageAlarmSeconds: 900,
    });
    const updater = (env: string) =>
      loadConfig(env, FIXTURE_CONFIG).workers.find((w) => w.name === 'search-index-updater')!;
    expect(updater('staging').desiredCount).toBe(1);
    expect(updater('production').desiredCount).toBe(2);
  });

  it.each([
    [
      'a singleton with scaling',
      { singleton: true, scaling: { min: 1, max: 3, messagesPerTask: 10 } },
      /order-relay\.scaling: is set on a singleton/,
    ],
    [
      'a singleton with two tasks',
      { singleton: true, desiredCount: 2 },
      /order-relay\.desiredCount: is 2 on a singleton/,
    ],
    [
      'a visibility timeout shorter than processing',
      { visibilityTimeout: '20s' },
      /order-relay\.visibilityTimeout: is less than 10 s longer than maxProcessingTime/,
    ],
    [
      'a visibility timeout over 12h',
      { visibilityTimeout: '13h' },
      /order-relay\.visibilityTimeout: is longer than 12h/,
    ],
    [
      'scaling max below min',
      { scaling: { min: 3, max: 2, messagesPerTask: 10 } },
      /order-relay\.scaling\.max: is below scaling\.min/,
    ],
    [
      'scaling min 0',
      { scaling: { min: 0, max: 2, messagesPerTask: 10 } },
      /order-relay\.scaling\.min: must be at least 1/,
    ],
    [
      'a Fargate size that does not exist',
      { cpu: 512, memory: 512 },
      /order-relay\.memory: memory 512 MiB does not fit cpu 512/,
    ],
    [
      'a desiredCount on a scaled worker',
      { desiredCount: 2, scaling: { min: 1, max: 3, messagesPerTask: 10 } },
      /order-relay\.desiredCount: is set on a scaled worker.*remove desiredCount/,
    ],
    [
      'a fractional messagesPerTask',
      { scaling: { min: 1, max: 3, messagesPerTask: 2.5 } },
      /order-relay\.scaling\.messagesPerTask: must be a whole number/,
    ],
    [
      'an override that breaks a rule',
      { singleton: true, overrides: { sandbox: { desiredCount: 2 } } },
      /order-relay\.desiredCount: is 2 on a singleton/,
    ],
    [
      'an override for an unknown environment',
      { overrides: { prod: { desiredCount: 2 } } },
      /order-relay\.overrides\.prod: no such environment; use one of /,
    ],
    [
      'an image folder that does not exist',
      { image: { directory: 'no-such-image' } },
      /order-relay\.image\.directory: containers\/no-such-image has no Dockerfile/,
    ],
    ['a bad name', { name: 'Order_Relay' }, /Order_Relay\.name: .*must be lowercase/],
    ['a maxReceiveCount of 0', { maxReceiveCount: 0 }, /order-relay\.maxReceiveCount: must be at least 1/],
    [
      'an imported queue that is not an SQS ARN',
      { importedQueueArn: 'orders' },
      /order-relay\.importedQueueArn: must be an SQS queue ARN/,
    ],
    [
      'a secret as plain environment',
      { environment: { TARGET_TOKEN: 'x' } },
      /order-relay\.environment\.TARGET_TOKEN: looks like a secret/,
    ],
    [
      'a variable the platform sets',
      { environment: { QUEUE_URL: 'https://sqs.example.com/other' } },
      /order-relay\.environment\.QUEUE_URL: is reserved: the platform sets it/,
    ],
    ['an empty command', { command: [] }, /order-relay\.command: is empty/],
    [
      'a misspelt field',
      { singelton: true },
      /^order-relay\.singelton: is not a known field: did you mean "singleton"\?$/,
    ],
  ])('rejects %s, naming the worker and the field', (_, change, message) => {
    const problems = problemsOfWorkers([{ ...worker, ...change }]);
    expect(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('starts a scaled worker at scaling.min when no desiredCount is given', () => {
    const scaled = { ...worker, scaling: { min: 3, max: 8, messagesPerTask: 50 } };
    const [parsed] = loadConfig('sandbox', { ...NO_GRANT_TO_A_WORKER, workers: [scaled] }).workers;
    expect(parsed).toMatchObject({ desiredCount: 3, scaling: { min: 3, max: 8, messagesPerTask: 50 } });
  });

  it('reports every problem at once, one line per worker and field', () => {
    const problems = problemsOfWorkers([
      { ...worker, cpu: 300 },
      { ...worker, name: 'other-relay', visibilityTimeout: '10s', maxReceiveCount: 0 },
    ]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^order-relay\.cpu: cpu 300 is not a Fargate size/);
    expect(problems.slice(1).sort()).toEqual([
      expect.stringMatching(/^other-relay\.maxReceiveCount: /),
      expect.stringMatching(
        /^other-relay\.visibilityTimeout: is less than 10 s longer than maxProcessingTime.*"40s" or more$/,
      ),
    ]);
  });

  it('rejects duplicate worker names', () => {
    expect(problemsOfWorkers([worker, worker])).toEqual([
      'order-relay.name: is used by workers[0] and workers[1]: names must be unique',
    ]);
  });
});

describe('workers in one stack', () => {
  const own = (i: number) => ({ ...worker, name: `relay-${i}` });
  const scaled = (i: number) => ({ ...own(i), scaling: { min: 1, max: 3, messagesPerTask: 100 } });
  const imported = (i: number) => ({
    ...own(i),
    importedQueueArn: `arn:aws:sqs:ap-northeast-1:123456789012:orders-${i}`,
  });
  const list = (n: number, make: (i: number) => object) => Array.from({ length: n }, (_, i) => make(i));

  it('counts the resources each kind of worker adds', () => {
    expect(workerResourceCount(own(0))).toBe(17);
    expect(workerResourceCount(scaled(0))).toBe(19);
    expect(workerResourceCount(imported(0))).toBe(12);
  });

  it('accepts as many as fit in 500 resources: 29 with their own queues (2 + 29 × 17 = 495)', () => {
    expect(loadConfig('sandbox', { ...NO_GRANT_TO_A_WORKER, workers: list(29, own) }).workers).toHaveLength(
      29,
    );
  });

  it('refuses one more with the count, the limit and how many to take out', () => {
    expect(problemsOfWorkers(list(30, own))).toEqual([
      "workers: 30 workers need 512 resources in the Workers stack (17 each, 2 shared), more than the 500 CloudFormation allows in one stack: remove at least 1 (let one worker handle several message types from its queue, or run rare work as a scheduled job), or have the Workers stack split by hand first (docs/decisions.md D38: workers are not moved between stacks automatically, because a moved worker's queue is deleted with its messages)",
    ]);
  });

  it('counts what each worker adds: scaled ones more, ones on imported queues fewer', () => {
    // 2 + 20 × 19 + 10 × 12 = 502: one scaled worker out is enough; 521 needs two.
    const workers = [...list(20, scaled), ...list(10, (i) => imported(i + 20))];
    expect(problemsOfWorkers(workers)[0]).toMatch(
      /^workers: 30 workers need 502 resources in the Workers stack \(12-19 each, 2 shared\), more than the 500 CloudFormation allows in one stack: remove at least 1 \(/,
    );
    expect(problemsOfWorkers([...list(21, scaled), ...list(10, (i) => imported(i + 21))])[0]).toMatch(
      /need 521 resources .*: remove at least 2 \(/,
    );
    // 2 + 19 + 6 × 17 + 33 × 12 = 519: taking out the scaled one is exactly enough.
    const exact = [...list(1, scaled), ...list(6, (i) => own(i + 1)), ...list(33, (i) => imported(i + 7))];
    expect(problemsOfWorkers(exact)[0]).toMatch(/need 519 resources .*: remove at least 1 \(/);
  });
});
