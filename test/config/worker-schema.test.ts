import { describe, expect, it } from 'vitest';
import { parseWorkers, type WorkerInput } from '../../lib/config/worker-schema';
import { problemsOf } from '../support/config-problems';

/** Built here, not read from config/: editing the shipped workers never breaks these tests. */
const worker: WorkerInput = {
  name: 'order-relay',
  description: 'Relays orders',
  owner: 'commerce',
  command: ['node', 'main.js', 'webhook-relay'],
  maxProcessingTime: '30s',
  visibilityTimeout: '2m',
};
const context = { environment: 'staging', knownEnvironments: ['sandbox', 'staging', 'production'] };
const parse = (workers: unknown[], environment = 'staging') =>
  parseWorkers(workers, { ...context, environment });
const parseOne = (change: Record<string, unknown>) => parse([{ ...worker, ...change }])[0]!;
const problems = (change: Record<string, unknown>) => problemsOf(() => parse([{ ...worker, ...change }]));

describe('parseWorkers', () => {
  it('returns the worker in seconds with every default', () => {
    expect(parse([worker])).toEqual([
      {
        name: 'order-relay',
        description: 'Relays orders',
        owner: 'commerce',
        image: { directory: 'sqs-worker' },
        command: ['node', 'main.js', 'webhook-relay'],
        environment: {},
        secrets: {},
        cpu: 256,
        memory: 512,
        maxReceiveCount: 5,
        singleton: false,
        desiredCount: 1,
        visibilityTimeoutSeconds: 120,
        maxProcessingSeconds: 30,
        oldestMessageAlarmSeconds: 900,
      },
    ]);
  });

  it('keeps what the worker sets', () => {
    expect(
      parseOne({
        desiredCount: 3,
        maxReceiveCount: 1000,
        oldestMessageAlarm: '1h',
        importedQueueArn: 'arn:aws:sqs:ap-northeast-1:123456789012:orders.fifo',
      }),
    ).toMatchObject({
      desiredCount: 3,
      maxReceiveCount: 1000,
      oldestMessageAlarmSeconds: 3600,
      importedQueueArn: 'arn:aws:sqs:ap-northeast-1:123456789012:orders.fifo',
    });
  });

  it('takes a standard or FIFO queue, in any partition', () => {
    for (const arn of [
      'arn:aws:sqs:ap-northeast-1:123456789012:orders',
      'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:orders_v2-eu',
    ]) {
      expect(parseOne({ importedQueueArn: arn }).importedQueueArn).toBe(arn);
    }
  });

  it('accepts the boundaries: a 12h visibility timeout, exactly 10 s over processing, 50 tasks, a singleton of 1', () => {
    expect(parseOne({ visibilityTimeout: '12h' }).visibilityTimeoutSeconds).toBe(43_200);
    expect(parseOne({ visibilityTimeout: '40s' })).toMatchObject({
      visibilityTimeoutSeconds: 40,
      maxProcessingSeconds: 30,
    });
    expect(parseOne({ maxProcessingTime: '43190s', visibilityTimeout: '12h' }).maxProcessingSeconds).toBe(
      43_190,
    );
    expect(parseOne({ scaling: { min: 1, max: 50, messagesPerTask: 1 } })).toMatchObject({
      desiredCount: 1,
      scaling: { min: 1, max: 50, messagesPerTask: 1 },
    });
    expect(parseOne({ scaling: { min: 4, max: 4, messagesPerTask: 10 } }).desiredCount).toBe(4);
    expect(parseOne({ singleton: true, desiredCount: 1 })).toMatchObject({
      singleton: true,
      desiredCount: 1,
    });
    expect(parseOne({ singleton: true })).toMatchObject({ singleton: true, desiredCount: 1 });
  });

  it.each([
    [
      'a visibility timeout 9 s over processing',
      { visibilityTimeout: '39s' },
      'visibilityTimeout: is less than 10 s longer than maxProcessingTime (30 s): a handler aborted at its deadline needs time to let go before SQS may deliver its message to another task; set it to "40s" or more',
    ],
    [
      'a visibility timeout equal to processing',
      { maxProcessingTime: '50s', visibilityTimeout: '50s' },
      'visibilityTimeout: is less than 10 s longer than maxProcessingTime (50 s): a handler aborted at its deadline needs time to let go before SQS may deliver its message to another task; set it to "1m" or more',
    ],
    [
      'a visibility timeout shorter than processing',
      { maxProcessingTime: '2h', visibilityTimeout: '1h' },
      'visibilityTimeout: is less than 10 s longer than maxProcessingTime (7200 s): a handler aborted at its deadline needs time to let go before SQS may deliver its message to another task; set it to "7210s" or more',
    ],
    [
      'a visibility timeout one second over 12h',
      { visibilityTimeout: '43201s' },
      'visibilityTimeout: is longer than 12h, the most SQS allows',
    ],
    [
      '51 tasks',
      { scaling: { min: 1, max: 51, messagesPerTask: 10 } },
      'scaling.max: is more than 50 tasks: raise it in review with the Fargate quota in mind',
    ],
    [
      'max below min',
      { scaling: { min: 3, max: 2, messagesPerTask: 10 } },
      'scaling.max: is below scaling.min (3)',
    ],
    [
      'zero messages per task',
      { scaling: { min: 1, max: 2, messagesPerTask: 0 } },
      'scaling.messagesPerTask: must be at least 1 message per task',
    ],
    [
      'a fractional min',
      { scaling: { min: 1.5, max: 2, messagesPerTask: 1 } },
      'scaling.min: must be a whole number of tasks',
    ],
    [
      'a fractional max',
      { scaling: { min: 1, max: 2.5, messagesPerTask: 1 } },
      'scaling.max: must be a whole number of tasks',
    ],
    [
      'an unknown scaling field',
      { scaling: { min: 1, max: 2, messagesPerTask: 1, cpu: 50 } },
      'scaling.cpu: is not a known field: use one of min, max, messagesPerTask',
    ],
    [
      'a singleton with scaling',
      { singleton: true, scaling: { min: 1, max: 1, messagesPerTask: 1 } },
      'scaling: is set on a singleton: a worker that must never run twice cannot scale; remove scaling or singleton',
    ],
    [
      'a singleton of two',
      { singleton: true, desiredCount: 2 },
      'desiredCount: is 2 on a singleton: a worker that must never run twice runs exactly 1 task',
    ],
    ['zero tasks', { desiredCount: 0 }, 'desiredCount: must be at least 1'],
    ['a fractional task count', { desiredCount: 1.5 }, 'desiredCount: must be a whole number of tasks'],
    [
      'a desiredCount on a scaled worker',
      { desiredCount: 1, scaling: { min: 1, max: 2, messagesPerTask: 1 } },
      'desiredCount: is set on a scaled worker, whose task count Application Auto Scaling keeps within scaling.min-max: remove desiredCount (change scaling.min instead)',
    ],
    ['1001 receives', { maxReceiveCount: 1001 }, 'maxReceiveCount: is more than 1000, the most SQS allows'],
    [
      'a fractional receive count',
      { maxReceiveCount: 1.5 },
      'maxReceiveCount: must be a whole number of receives before a message goes to the DLQ',
    ],
    [
      'an owner that is no slug',
      { owner: 'Commerce' },
      'owner: must be a team slug such as "sre" or "data-platform"',
    ],
    ['an owner with text after', { owner: 'commerce team' }, 'owner: must be a team slug'],
    [
      'a missing owner',
      { owner: undefined },
      'owner: is required: the team that answers for this worker, e.g. "sre"',
    ],
    [
      'a missing description',
      { description: undefined },
      'description: is required: one line saying what the worker does',
    ],
    ['an empty description', { description: '' }, 'description: '],
    [
      'a queue ARN with text after',
      { importedQueueArn: 'arn:aws:sqs:ap-northeast-1:123456789012:orders x' },
      'importedQueueArn: must be an SQS queue ARN, e.g. "arn:aws:sqs:ap-northeast-1:123456789012:orders"',
    ],
    [
      'a queue ARN with text before',
      { importedQueueArn: 'x arn:aws:sqs:ap-northeast-1:123456789012:orders' },
      'importedQueueArn: must be an SQS queue ARN',
    ],
    ['a singleton flag that is no boolean', { singleton: 'yes' }, 'singleton: '],
    [
      'a variable both plain and secret',
      {
        environment: { URL: 'x', MODE: 'y' },
        secrets: { URL: { ssmParameter: '/a' }, KEY: { ssmParameter: '/k' } },
      },
      'secrets.URL: is also in environment: ECS rejects a variable defined twice; keep it in secrets only',
    ],
  ])('rejects %s', (_, change, message) => {
    const found = problems(change);
    expect(
      found.some((p) => p.startsWith(`order-relay.${message}`)),
      found.join('\n'),
    ).toBe(true);
  });

  it.each([
    ['WORKER_NAME', "the worker's name"],
    ['ENVIRONMENT_NAME', "the environment's name"],
    ['QUEUE_URL', "the URL of the worker's queue"],
    ['VISIBILITY_TIMEOUT_SECONDS', 'visibilityTimeout in seconds'],
    ['MAX_PROCESSING_SECONDS', 'maxProcessingTime in seconds'],
  ])('rejects %s in environment or secrets: the platform sets it', (name, what) => {
    const fix = `is reserved: the platform sets it to ${what}; remove it, or give your variable another name`;
    expect(problems({ environment: { [name]: 'x', MODE: 'y' } })).toEqual([
      `order-relay.environment.${name}: ${fix}`,
    ]);
    expect(problems({ secrets: { [name]: { ssmParameter: '/x' }, KEY: { ssmParameter: '/k' } } })).toEqual([
      `order-relay.secrets.${name}: ${fix}`,
    ]);
  });

  it("reserves only the platform's own names, not what every object inherits", () => {
    const vars = { constructor: 'x', toString: 'y', WORKER_NAME_SUFFIX: 'z' };
    expect(parseOne({ environment: vars }).environment).toEqual(vars);
    const secrets = { constructor: { ssmParameter: '/x' }, hasOwnProperty: { ssmParameter: '/y' } };
    expect(parseOne({ secrets }).secrets).toEqual(secrets);
  });

  it('reports a variable in both places once, under secrets', () => {
    expect(
      problems({ environment: { URL: 'x', MODE: 'y' }, secrets: { URL: { ssmParameter: '/a' } } }),
    ).toEqual([
      'order-relay.secrets.URL: is also in environment: ECS rejects a variable defined twice; keep it in secrets only',
    ]);
  });

  it('applies overrides to their environment only, and names the file it was given', () => {
    const overridden = { ...worker, overrides: { production: { desiredCount: 4 } } };
    expect(parse([overridden], 'production')[0]!.desiredCount).toBe(4);
    expect(parse([overridden], 'staging')[0]!.desiredCount).toBe(1);
    expect(problemsOf(() => parse([{ ...worker, overrides: { staging: { name: 'x' } } }]))).toEqual([
      'order-relay.overrides.staging.name: cannot be overridden: an entry has one name in every environment, because its resources are named after it',
    ]);
    expect(() => parseWorkers([{ ...worker, cpu: 300 }], context, 'config/other.ts')).toThrow(
      /^config\/other\.ts is invalid:/,
    );
    expect(() => parseWorkers([{ ...worker, cpu: 300 }], context)).toThrow(
      /^config\/workers\.ts is invalid:/,
    );
    expect(problemsOf(() => parse([worker, worker]))).toEqual([
      'order-relay.name: is used by workers[0] and workers[1]: names must be unique',
    ]);
  });
});
