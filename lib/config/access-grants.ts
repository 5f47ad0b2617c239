import { z } from 'zod';

/**
 * The grants an access profile (config/access.ts) is made of, in the operator's words:
 * `writeBucket({ bucket: 'acme-reports', prefix: 'daily/' })`. Each helper returns plain data
 * that lib/config/access-schema.ts validates; lib/access/statements.ts turns it into IAM.
 *
 * A name may be written as an ARN where the resource lives in another account; S3 ARNs name
 * no account, so a bucket of another account says `account`. Wildcards (`*`, `?`) are refused
 * unless the grant carries a `reason` a reviewer can weigh.
 */

const ACCOUNT = /^\d{12}$/;
/** Services no job may call: they change who may do what. */
const FORBIDDEN_SERVICES = /^(iam|organizations):/;
/** Any ARN; the grant kinds below say which service's. */
const arnOf = (service: string, resource: string) =>
  new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}$`);

const reason = z
  .string({ error: 'must be a sentence saying why the grant must be this wide' })
  .min(10, {
    error: 'is too short to tell a reviewer why the grant must be this wide: say why in a sentence',
  })
  .optional();

const name = (what: string, pattern: RegExp, example: string, arn?: RegExp) =>
  z
    .string({ error: `must be a string: ${what}, e.g. "${example}"` })
    .refine((value) => pattern.test(value) || (arn?.test(value) ?? false), {
      error: (iss) => `"${String(iss.input)}" is not ${what}${arn ? ' or its ARN' : ''}, e.g. "${example}"`,
    });

/** A customer managed KMS key, by ARN: a key policy names keys, not aliases. */
const kmsKey = () =>
  z
    .string()
    .regex(arnOf('kms', 'key/(mrk-)?[a-f0-9-]+'), {
      error:
        'must be a KMS key ARN, e.g. "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-…" (not an alias)',
    })
    .optional();

const account = z
  .string()
  .regex(ACCOUNT, { error: 'must be the 12-digit id of the account that owns the bucket' })
  .optional();

const bucketFields = {
  bucket: name('an S3 bucket name', /^[a-z0-9*?][a-z0-9.*?-]{1,61}[a-z0-9*?]$/, 'acme-reports'),
  /** Keys under this prefix only (`daily/`); the whole bucket when left out. */
  prefix: z
    .string({ error: 'must be a key prefix such as "daily/"' })
    .min(1, { error: 'is empty: leave it out to grant the whole bucket' })
    .refine((p) => !p.startsWith('/'), {
      error: 'starts with "/": S3 keys have no leading slash, write "daily/" not "/daily/"',
    })
    .optional(),
  /** The bucket's owner when it is not this environment's account. */
  account,
  /** The customer managed KMS key of an SSE-KMS bucket. */
  kmsKey: kmsKey(),
  reason,
};

const table = name(
  'a DynamoDB table name',
  /^[a-zA-Z0-9_.*?-]{3,255}$/,
  'sales-orders',
  arnOf('dynamodb', 'table/[a-zA-Z0-9_.-]{3,255}'),
);
const queue = name(
  'an SQS queue name',
  /^[a-zA-Z0-9_*?-]{1,80}(\.fifo)?$/,
  'partner-exports',
  arnOf('sqs', '[a-zA-Z0-9_-]{1,80}(\\.fifo)?'),
);

export const grantSchemas = {
  readBucket: z.strictObject({ grant: z.literal('readBucket'), ...bucketFields }),
  writeBucket: z.strictObject({ grant: z.literal('writeBucket'), ...bucketFields }),
  readTable: z.strictObject({
    grant: z.literal('readTable'),
    table,
    /** Also Query and Scan its secondary indexes. */
    indexes: z.boolean({ error: 'must be true or false: whether its indexes may be queried' }).default(false),
    reason,
  }),
  writeTable: z.strictObject({ grant: z.literal('writeTable'), table, reason }),
  sendToQueue: z
    .strictObject({
      grant: z.literal('sendToQueue'),
      queue: queue.optional(),
      /** A worker of config/workers.ts: its queue in this environment. */
      worker: z.string({ error: 'must be the name of a worker in config/workers.ts' }).optional(),
      kmsKey: kmsKey(),
      reason,
    })
    .refine((g) => (g.queue === undefined) !== (g.worker === undefined), {
      error: 'must name either a `queue` (name or ARN) or a `worker` of config/workers.ts',
    }),
  consumeQueue: z.strictObject({ grant: z.literal('consumeQueue'), queue, kmsKey: kmsKey(), reason }),
  readSecret: z.strictObject({
    grant: z.literal('readSecret'),
    secret: name(
      'a Secrets Manager secret name',
      /^[a-zA-Z0-9/_+=.@*?-]{1,512}$/,
      'batch/reports',
      arnOf('secretsmanager', 'secret:[a-zA-Z0-9/_+=.@-]+-[a-zA-Z0-9]{6}'),
    ),
    /** The secret's customer managed KMS key when it is in another account. */
    kmsKey: kmsKey(),
    reason,
  }),
  readParameters: z.strictObject({
    grant: z.literal('readParameters'),
    /** One parameter (`/reports/config`) or, ending in `/`, every parameter under a path. */
    // Every level named: "/" or "//" would be the whole parameter tree of the account.
    parameter: name(
      'an SSM parameter name starting with "/"',
      /^(\/[a-zA-Z0-9_.*?-]+)+\/?$/,
      '/reports/config',
    ),
    reason,
  }),
  startAthenaQuery: z.strictObject({
    grant: z.literal('startAthenaQuery'),
    workgroup: name('an Athena workgroup name', /^[a-zA-Z0-9._*?-]{1,128}$/, 'reporting'),
    reason,
  }),
  putEvents: z.strictObject({
    grant: z.literal('putEvents'),
    bus: name(
      'an EventBridge bus name',
      /^[a-zA-Z0-9._*?/-]{1,256}$/,
      'orders',
      arnOf('events', 'event-bus/[a-zA-Z0-9._/-]+'),
    ),
    reason,
  }),
  describeDbSnapshots: z.strictObject({
    grant: z.literal('describeDbSnapshots'),
    instances: z
      .array(name('an RDS instance identifier', /^[a-zA-Z*?][a-zA-Z0-9*?-]{0,62}$/, 'orders-db'))
      .min(1, { error: 'is empty: name the instances whose snapshots are described' }),
    reason,
  }),
  statement: z.strictObject({
    grant: z.literal('statement'),
    actions: z
      .array(
        z
          .string()
          .regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, {
            error: (iss) => `"${String(iss.input)}" is not an IAM action such as "s3:GetObject"`,
          })
          .refine((action) => !FORBIDDEN_SERVICES.test(action), {
            error: (iss) =>
              `"${String(iss.input)}" changes who may do what (IAM, the organization): no job may; ask the platform team`,
          }),
      )
      .min(1, { error: 'is empty: list the actions' }),
    resources: z
      .array(
        z.string().regex(/^(arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+|\*)$/, {
          error: (iss) => `"${String(iss.input)}" is not an ARN (a statement names its resources explicitly)`,
        }),
      )
      .min(1, { error: 'is empty: list the resources, as ARNs' }),
    /** Always: a statement is IAM the helpers do not cover, and the reviewer weighs why. */
    reason: z
      .string({ error: 'is required: say why the job needs IAM no helper covers (the reviewer weighs it)' })
      .min(10, { error: 'is too short to tell a reviewer why the job needs this: say why in a sentence' }),
  }),
} as const;

export type GrantKind = keyof typeof grantSchemas;
export type GrantInput = z.input<(typeof grantSchemas)[GrantKind]>;
export type Grant = z.output<(typeof grantSchemas)[GrantKind]>;
type Options<K extends GrantKind> = Omit<z.input<(typeof grantSchemas)[K]>, 'grant'>;

/** `s3:GetObject` on the bucket (or the keys under `prefix`), and listing those keys. */
export const readBucket = (options: Options<'readBucket'>) => ({ grant: 'readBucket' as const, ...options });
/** `s3:PutObject` (and aborting its multipart uploads) under `prefix`, or anywhere in the bucket. */
export const writeBucket = (options: Options<'writeBucket'>) => ({
  grant: 'writeBucket' as const,
  ...options,
});
/** Get, batch-get, query and scan items (and, with `indexes: true`, query its indexes). */
export const readTable = (options: Options<'readTable'>) => ({ grant: 'readTable' as const, ...options });
/** Put, update, delete and batch-write items: no reads, no table changes. */
export const writeTable = (options: Options<'writeTable'>) => ({ grant: 'writeTable' as const, ...options });
/** Send messages to a queue, or to a worker's queue: `sendToQueue({ worker: 'order-events-relay' })`. */
export const sendToQueue = (options: Options<'sendToQueue'>) => ({
  grant: 'sendToQueue' as const,
  ...options,
});
/** Receive, delete and extend the visibility of a queue's messages. */
export const consumeQueue = (options: Options<'consumeQueue'>) => ({
  grant: 'consumeQueue' as const,
  ...options,
});
/** Read a secret's value (a secret ECS injects needs no grant: see `secrets` on the job). */
export const readSecret = (options: Options<'readSecret'>) => ({ grant: 'readSecret' as const, ...options });
/** Read one SSM parameter, or all under a path ending in `/`. */
export const readParameters = (options: Options<'readParameters'>) => ({
  grant: 'readParameters' as const,
  ...options,
});
/**
 * Start, follow, stop and read the results of Athena queries in one workgroup. Athena also
 * needs the data (`readBucket`), the results location (`writeBucket` and `readBucket`) and
 * the Glue tables (a `statement`): see the operator's guide.
 */
export const startAthenaQuery = (options: Options<'startAthenaQuery'>) => ({
  grant: 'startAthenaQuery' as const,
  ...options,
});
/** Put events on an EventBridge bus. */
export const putEvents = (options: Options<'putEvents'>) => ({ grant: 'putEvents' as const, ...options });
/** Describe the DB snapshots of named RDS instances: call DescribeDBSnapshots with DBInstanceIdentifier. */
export const describeDbSnapshots = (options: Options<'describeDbSnapshots'>) => ({
  grant: 'describeDbSnapshots' as const,
  ...options,
});
/** Any IAM statement, with its resources named explicitly; a wildcard needs a `reason`. */
export const statement = (options: Options<'statement'>) => ({ grant: 'statement' as const, ...options });
