import { z } from 'zod';
import { commandSchema, envVarsSchema, imageSchema, resourceName, secretsSchema } from './common-schema';
import { typeError } from './config-error';
import { durationSchema, formatDuration } from './duration';
import { notOverridable, parseEntries, type EntriesContext } from './entries';
import { checkFargateSize, cpuSchema, memorySchema } from './fargate';
import { workerQueueNames } from '../schedule/naming';

/** The longest visibility timeout SQS allows. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * How much longer than maxProcessingTime the visibility timeout must be. The worker aborts a
 * handler at maxProcessingTime; the handler then needs a moment to let go (close its request,
 * unwind) before SQS may hand the message to another task.
 */
const ABORT_MARGIN_SECONDS = 10;

/**
 * Variables the platform sets in every worker's container (lib/constructs/worker-service.ts),
 * with what each holds. An entry may set none of them: in `environment` its value would
 * replace the platform's, and in `secrets` ECS would reject the variable defined twice.
 */
export const WORKER_PLATFORM_VARIABLES = {
  WORKER_NAME: "the worker's name",
  ENVIRONMENT_NAME: "the environment's name",
  QUEUE_URL: "the URL of the worker's queue",
  VISIBILITY_TIMEOUT_SECONDS: 'visibilityTimeout in seconds',
  MAX_PROCESSING_SECONDS: 'maxProcessingTime in seconds',
} as const;

export type WorkerPlatformVariable = keyof typeof WORKER_PLATFORM_VARIABLES;

const workerFields = {
  name: resourceName,
  description: z
    .string({ error: typeError('a string', 'one line saying what the worker does') })
    .min(1, { error: 'is empty: say in one line what the worker does' }),
  owner: z
    .string({ error: typeError('a string', 'the team that answers for this worker, e.g. "sre"') })
    .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be a team slug such as "sre" or "data-platform"' }),
  /**
   * An access profile (config/access.ts): its grants join the worker's own (its queue), on the
   * worker's own role. None: the worker may only consume its queue.
   */
  access: z.string({ error: typeError('a string', 'the name of a profile in config/access.ts') }).optional(),
  image: imageSchema.default({ directory: 'sqs-worker' }),
  command: commandSchema,
  environment: envVarsSchema,
  secrets: secretsSchema,
  cpu: cpuSchema.default(256),
  memory: memorySchema.default(512),
  /**
   * The queue the worker reads: created here (with its DLQ) unless `importedQueueArn` names
   * one owned elsewhere, whose redrive policy is then its owner's business.
   */
  importedQueueArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/, {
      error: 'must be an SQS queue ARN, e.g. "arn:aws:sqs:ap-northeast-1:123456789012:orders"',
    })
    .optional(),
  /**
   * The longest one message may take: the worker aborts its handler then and leaves the
   * message for SQS to deliver again. The visibility timeout must be ABORT_MARGIN_SECONDS longer.
   */
  maxProcessingTime: durationSchema,
  visibilityTimeout: durationSchema.refine((s) => s <= MAX_VISIBILITY_SECONDS, {
    error: 'is longer than 12h, the most SQS allows',
  }),
  maxReceiveCount: z
    .int({ error: 'must be a whole number of receives before a message goes to the DLQ' })
    .min(1, { error: 'must be at least 1' })
    .max(1000, { error: 'is more than 1000, the most SQS allows' })
    .default(5),
  /** Tasks to run; a scaled worker's count is `scaling`'s instead. Defaults to 1 (or scaling.min). */
  desiredCount: z
    .int({ error: 'must be a whole number of tasks' })
    .min(1, { error: 'must be at least 1' })
    .optional(),
  /** Never run two copies, not even during a deploy (one task, stopped before its successor starts). */
  singleton: z.boolean().default(false),
  scaling: z
    .strictObject({
      min: z
        .int({ error: 'must be a whole number of tasks' })
        .min(1, { error: 'must be at least 1: one task is always on-demand and polling' }),
      max: z
        .int({ error: 'must be a whole number of tasks' })
        .max(50, { error: 'is more than 50 tasks: raise it in review with the Fargate quota in mind' }),
      messagesPerTask: z
        .int({ error: 'must be a whole number of waiting messages per task to aim for, e.g. 100' })
        .min(1, { error: 'must be at least 1 message per task' }),
    })
    .optional(),
  /** Alarm when the oldest message has waited longer than this. */
  oldestMessageAlarm: durationSchema.default(900),
};

const workerSchema = z.strictObject(workerFields).superRefine((w, ctx) => {
  checkFargateSize(w, ctx);
  const shortestVisibility = w.maxProcessingTime + ABORT_MARGIN_SECONDS;
  if (w.visibilityTimeout < shortestVisibility) {
    ctx.addIssue({
      code: 'custom',
      path: ['visibilityTimeout'],
      message: `is less than ${ABORT_MARGIN_SECONDS} s longer than maxProcessingTime (${w.maxProcessingTime} s): a handler aborted at its deadline needs time to let go before SQS may deliver its message to another task; set it to "${formatDuration(shortestVisibility)}" or more`,
    });
  }
  if (w.singleton && w.scaling) {
    ctx.addIssue({
      code: 'custom',
      path: ['scaling'],
      message:
        'is set on a singleton: a worker that must never run twice cannot scale; remove scaling or singleton',
    });
  }
  if (w.singleton && w.desiredCount !== undefined && w.desiredCount !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['desiredCount'],
      message: `is ${w.desiredCount} on a singleton: a worker that must never run twice runs exactly 1 task`,
    });
  }
  if (w.scaling && w.scaling.max < w.scaling.min) {
    ctx.addIssue({
      code: 'custom',
      path: ['scaling', 'max'],
      message: `is below scaling.min (${w.scaling.min})`,
    });
  }
  if (w.scaling && w.desiredCount !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['desiredCount'],
      message: `is set on a scaled worker, whose task count Application Auto Scaling keeps within scaling.min-max: remove desiredCount (change scaling.min instead)`,
    });
  }
  for (const field of ['environment', 'secrets'] as const) {
    for (const key of Object.keys(w[field])) {
      if (Object.hasOwn(WORKER_PLATFORM_VARIABLES, key)) {
        ctx.addIssue({
          code: 'custom',
          path: [field, key],
          message: `is reserved: the platform sets it to ${WORKER_PLATFORM_VARIABLES[key as WorkerPlatformVariable]}; remove it, or give your variable another name`,
        });
      }
    }
  }
  for (const key of Object.keys(w.secrets)) {
    if (Object.hasOwn(w.environment, key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', key],
        message: 'is also in environment: ECS rejects a variable defined twice; keep it in secrets only',
      });
    }
  }
});

const workerOverrideSchema = z.strictObject({ ...workerFields, name: notOverridable }).partial();

export type WorkerInput = z.input<typeof workerSchema> & {
  /** Per-environment changes, e.g. `{ staging: { desiredCount: 1 } }`. */
  overrides?: Record<string, z.input<typeof workerOverrideSchema>>;
};

export type WorkerConfig = Omit<
  z.output<typeof workerSchema>,
  'visibilityTimeout' | 'maxProcessingTime' | 'oldestMessageAlarm' | 'desiredCount'
> & {
  /** Tasks to run; for a scaled worker, its `scaling.min` (the count itself is then auto scaled). */
  readonly desiredCount: number;
  readonly visibilityTimeoutSeconds: number;
  readonly maxProcessingSeconds: number;
  readonly oldestMessageAlarmSeconds: number;
};

/**
 * A worker whose queue would be named like another worker's dead-letter queue (a worker
 * called `<other>-dlq`): SQS has one queue per name, so one of the two could not be created.
 */
function workerNameProblems(
  workers: readonly { name: string; importedQueueArn?: string }[],
  environment: string,
): string[] {
  const own = workers.filter((w) => !w.importedQueueArn);
  const deadLetterQueues = new Map(
    own.map((w) => [workerQueueNames(environment, w.name).deadLetterQueue, w.name]),
  );
  return own.flatMap((w) => {
    const queue = workerQueueNames(environment, w.name).queue;
    const other = deadLetterQueues.get(queue);
    return other
      ? [
          `${w.name}.name: makes its queue "${queue}", the name of ${other}'s dead-letter queue: give this worker another name`,
        ]
      : [];
  });
}

/** CloudFormation's limit of resources in one stack. */
export const MAX_STACK_RESOURCES = 500;

/** Resources of the Workers stack whatever its workers: the security group and the logs key. */
export const WORKERS_STACK_SHARED_RESOURCES = 2;

/**
 * Resources one worker adds to the Workers stack (lib/constructs/worker-service.ts; the
 * workers stack test checks this against the template): the task definition, its task and
 * execution roles with a policy each, the log group, the service and five alarms (12); its
 * own queue and dead-letter queue, their SSL-only policies and the dead-letter alarm (5)
 * unless it reads an imported queue; the scalable target and its policy (2) when it scales.
 */
export function workerResourceCount(worker: { importedQueueArn?: string; scaling?: object }): number {
  return 12 + (worker.importedQueueArn ? 0 : 5) + (worker.scaling ? 2 : 0);
}

/**
 * Workers that do not fit in one stack. They are refused, not spread over stacks as jobs are
 * (decision D38): a worker moved between stacks has its queue deleted, with its messages.
 */
function stackSizeProblems(
  workers: readonly { name: string; importedQueueArn?: string; scaling?: object }[],
): string[] {
  const counts = workers.map(workerResourceCount);
  const total = WORKERS_STACK_SHARED_RESOURCES + counts.reduce((a, b) => a + b, 0);
  if (total <= MAX_STACK_RESOURCES) return [];
  // The fewest workers to take out: the largest first.
  let excess = total - MAX_STACK_RESOURCES;
  let fewer = 0;
  for (const count of [...counts].sort((a, b) => b - a)) {
    if (excess <= 0) break;
    excess -= count;
    fewer++;
  }
  const [least, most] = [Math.min(...counts), Math.max(...counts)];
  const perWorker = least === most ? `${least}` : `${least}-${most}`;
  return [
    `workers: ${workers.length} workers need ${total} resources in the Workers stack (${perWorker} each, ${WORKERS_STACK_SHARED_RESOURCES} shared), more than the ${MAX_STACK_RESOURCES} CloudFormation allows in one stack: remove at least ${fewer} (let one worker handle several message types from its queue, or run rare work as a scheduled job), or have the Workers stack split by hand first (docs/decisions.md D38: workers are not moved between stacks automatically, because a moved worker's queue is deleted with its messages)`,
  ];
}

/**
 * Validates config/workers.ts for one environment, reporting every problem at once as
 * `<worker>.<field>: <what is wrong and the fix>`.
 */
export function parseWorkers(
  input: readonly unknown[],
  context: EntriesContext,
  file = 'config/workers.ts',
): WorkerConfig[] {
  return parseEntries(input, context, {
    file,
    kind: 'workers',
    schema: workerSchema,
    overrideSchema: workerOverrideSchema,
    checkNames: (workers) => [
      ...workerNameProblems(workers, context.environment),
      ...stackSizeProblems(workers),
    ],
  }).map(({ visibilityTimeout, maxProcessingTime, oldestMessageAlarm, desiredCount, ...worker }) => ({
    ...worker,
    desiredCount: desiredCount ?? worker.scaling?.min ?? 1,
    visibilityTimeoutSeconds: visibilityTimeout,
    maxProcessingSeconds: maxProcessingTime,
    oldestMessageAlarmSeconds: oldestMessageAlarm,
  }));
}
