import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import {
  consumeQueue,
  describeDbSnapshots,
  putEvents,
  readBucket,
  readParameters,
  readSecret,
  readTable,
  sendToQueue,
  startAthenaQuery,
  statement,
  writeBucket,
  writeTable,
} from '../../lib/config/access-grants';
import { MAX_MANAGED_POLICY_CHARS, policyChars } from '../../lib/config/access-schema';
import { ConfigError } from '../../lib/config/config-error';
import { FIXTURE_CONFIG } from '../fixtures/config';
import { problemsOf } from '../support/config-problems';
import { jobInput } from '../support/fixtures';

const profile = (grants: unknown[], fields: object = {}) => ({
  name: 'exports',
  description: 'Reads the exports',
  owner: 'data-platform',
  grants,
  ...fields,
});
const fixtureProfiles = FIXTURE_CONFIG.access ?? [];
const withProfiles = (profiles: unknown[], more: object = {}) => ({
  ...FIXTURE_CONFIG,
  access: [...fixtureProfiles, ...profiles],
  ...more,
});
const load = (profiles: unknown[], env = 'sandbox') => loadConfig(env, withProfiles(profiles));
const problems = (profiles: unknown[], env = 'sandbox') => problemsOf(() => load(profiles, env));
const grantProblems = (...grants: unknown[]) => problems([profile(grants)]);
const parsed = (...grants: unknown[]) => load([profile(grants)]).access.find((p) => p.name === 'exports')!;

const WILDCARD = 'has a wildcard: name the resource exactly, or add a `reason`';

describe('config/access.ts', () => {
  it("loads the fixture's profiles in every environment, with each environment's overrides", () => {
    for (const env of ['sandbox', 'staging', 'production']) {
      expect(
        loadConfig(env, FIXTURE_CONFIG).access.map((p) => p.name),
        env,
      ).toEqual(['reports-writer', 'catalogue-reader', 'backup-auditor', 'every-grant']);
    }
    const bucket = (env: string) =>
      (loadConfig(env, FIXTURE_CONFIG).access[0]!.grants[0] as { bucket: string }).bucket;
    expect([bucket('sandbox'), bucket('staging'), bucket('production')]).toEqual([
      'acme-sales-reports-sandbox',
      'acme-sales-reports-staging',
      'acme-sales-reports',
    ]);
  });

  it('has no profiles when the file has none, and then a job names none', () => {
    const config = loadConfig('sandbox', {
      ...FIXTURE_CONFIG,
      access: undefined,
      schedules: [jobInput],
      workers: [],
    });
    expect(config.access).toEqual([]);
  });

  it('takes every kind of grant its helper writes, filling in defaults', () => {
    expect(
      parsed(
        readBucket({ bucket: 'acme-exports', prefix: 'daily/' }),
        writeBucket({ bucket: 'partner.drop', account: '999999999999' }),
        readTable({ table: 'ledger' }),
        writeTable({ table: 'arn:aws:dynamodb:ap-northeast-1:999999999999:table/ledger' }),
        sendToQueue({ worker: 'order-events-relay' }),
        sendToQueue({ queue: 'exports.fifo' }),
        consumeQueue({ queue: 'arn:aws:sqs:ap-northeast-1:999999999999:requests' }),
        readSecret({ secret: 'batch/exports' }),
        readParameters({ parameter: '/exports/' }),
        startAthenaQuery({ workgroup: 'exports' }),
        putEvents({ bus: 'exports' }),
        describeDbSnapshots({ instances: ['exports-db'] }),
        statement({
          actions: ['glue:GetTable'],
          resources: ['arn:aws:glue:ap-northeast-1:111111111111:catalog'],
          reason: 'the job reads the catalog for its queries',
        }),
      ).grants,
    ).toEqual([
      { grant: 'readBucket', bucket: 'acme-exports', prefix: 'daily/' },
      { grant: 'writeBucket', bucket: 'partner.drop', account: '999999999999' },
      { grant: 'readTable', table: 'ledger', indexes: false },
      { grant: 'writeTable', table: 'arn:aws:dynamodb:ap-northeast-1:999999999999:table/ledger' },
      { grant: 'sendToQueue', worker: 'order-events-relay' },
      { grant: 'sendToQueue', queue: 'exports.fifo' },
      { grant: 'consumeQueue', queue: 'arn:aws:sqs:ap-northeast-1:999999999999:requests' },
      { grant: 'readSecret', secret: 'batch/exports' },
      { grant: 'readParameters', parameter: '/exports/' },
      { grant: 'startAthenaQuery', workgroup: 'exports' },
      { grant: 'putEvents', bus: 'exports' },
      { grant: 'describeDbSnapshots', instances: ['exports-db'] },
      {
        grant: 'statement',
        actions: ['glue:GetTable'],
        resources: ['arn:aws:glue:ap-northeast-1:111111111111:catalog'],
        reason: 'the job reads the catalog for its queries',
      },
    ]);
  });

  describe('refuses a name that is not one, saying what it should be', () => {
    it.for([
      [
        readBucket({ bucket: 'acme_reports' }),
        'grants.0.bucket: "acme_reports" is not an S3 bucket name, e.g. "acme-reports"',
      ],
      [
        { grant: 'readBucket', bucket: 42 },
        'grants.0.bucket: must be a string: an S3 bucket name, e.g. "acme-reports"',
      ],
      [
        { grant: 'readBucket', bucket: 'acme', prefix: 7 },
        'grants.0.prefix: must be a key prefix such as "daily/"',
      ],
      [
        writeBucket({ bucket: 'acme', account: 'x123456789012' }),
        'grants.0.account: must be the 12-digit id',
      ],
      [
        writeBucket({ bucket: 'acme', account: '1234567890123' }),
        'grants.0.account: must be the 12-digit id',
      ],
      [
        consumeQueue({ queue: 'a queue' }),
        'grants.0.queue: "a queue" is not an SQS queue name or its ARN, e.g. "partner-exports"',
      ],
      [
        readBucket({ bucket: 'Acme_Reports' }),
        'grants.0.bucket: "Acme_Reports" is not an S3 bucket name, e.g. "acme-reports"',
      ],
      [
        readBucket({ bucket: 'acme', prefix: '/daily/' }),
        'grants.0.prefix: starts with "/": S3 keys have no leading slash',
      ],
      [
        readBucket({ bucket: 'acme', prefix: '' }),
        'grants.0.prefix: is empty: leave it out to grant the whole bucket',
      ],
      [writeBucket({ bucket: 'acme', account: '1234' }), 'grants.0.account: must be the 12-digit id'],
      [
        writeBucket({ bucket: 'acme', kmsKey: 'arn:aws:kms:ap-northeast-1:111111111111:alias/reports' }),
        'grants.0.kmsKey: must be a KMS key ARN',
      ],
      [
        readTable({ table: 'ab' }),
        'grants.0.table: "ab" is not a DynamoDB table name or its ARN, e.g. "sales-orders"',
      ],
      [
        readTable({ table: 'arn:aws:s3:::ledger' }),
        'grants.0.table: "arn:aws:s3:::ledger" is not a DynamoDB table name or its ARN',
      ],
      [consumeQueue({ queue: 'a queue' }), 'grants.0.queue: "a queue" is not an SQS queue name or its ARN'],
      [
        sendToQueue({ queue: 'exports', worker: 'order-events-relay' }),
        'grants.0: must name either a `queue` (name or ARN) or a `worker` of config/workers.ts',
      ],
      [sendToQueue({}), 'grants.0: must name either a `queue`'],
      [
        readSecret({ secret: 'batch exports' }),
        'grants.0.secret: "batch exports" is not a Secrets Manager secret name',
      ],
      [
        readParameters({ parameter: 'exports/config' }),
        'grants.0.parameter: "exports/config" is not an SSM parameter name starting with "/"',
      ],
      [startAthenaQuery({ workgroup: 'a b' }), 'grants.0.workgroup: "a b" is not an Athena workgroup name'],
      [putEvents({ bus: 'a b' }), 'grants.0.bus: "a b" is not an EventBridge bus name or its ARN'],
      [describeDbSnapshots({ instances: [] }), 'grants.0.instances: is empty: name the instances'],
      [
        describeDbSnapshots({ instances: ['1db'] }),
        'grants.0.instances.0: "1db" is not an RDS instance identifier',
      ],
      [
        statement({
          actions: ['GetObject'],
          resources: ['arn:aws:s3:::a/b'],
          reason: 'the job reads the catalog for its queries',
        }),
        'grants.0.actions.0: "GetObject" is not an IAM action such as "s3:GetObject"',
      ],
      [
        statement({
          actions: [],
          resources: ['arn:aws:s3:::a/b'],
          reason: 'the job reads the catalog for its queries',
        }),
        'grants.0.actions: is empty: list the actions',
      ],
      [
        statement({
          actions: ['s3:GetObject'],
          resources: ['acme-exports'],
          reason: 'the job reads the catalog for its queries',
        }),
        'grants.0.resources.0: "acme-exports" is not an ARN',
      ],
      [
        statement({
          actions: ['s3:GetObject'],
          resources: [],
          reason: 'the job reads the catalog for its queries',
        }),
        'grants.0.resources: is empty: list the resources, as ARNs',
      ],
    ] as const)('%o', ([grant, message]) => {
      const found = grantProblems(grant);
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(`exports.${message}`);
    });
  });

  it('refuses a grant that is not one of the helpers, with the likely one', () => {
    expect(grantProblems({ grant: 'writeBuckets', bucket: 'acme' })).toEqual([
      'exports.grants.0.grant: must be a grant written with a helper of lib/config/access-grants.ts (readBucket, writeBucket, readTable, writeTable, sendToQueue, consumeQueue, readSecret, readParameters, startAthenaQuery, putEvents, describeDbSnapshots, statement), not "writeBuckets": did you mean writeBucket?',
    ]);
    expect(grantProblems('s3:GetObject')[0]).toMatch(
      /^exports\.grants\.0: must be a grant written with a helper/,
    );
  });

  it('refuses a statement that changes IAM or the organization, with or without a reason', () => {
    const reason = 'the job rotates its own keys every night';
    expect(
      grantProblems(
        statement({
          actions: ['iam:PutRolePolicy', 'organizations:ListAccounts', 's3:GetObject'],
          resources: ['*'],
          reason,
        }),
      ),
    ).toEqual([
      'exports.grants.0.actions.0: "iam:PutRolePolicy" changes who may do what (IAM, the organization): no job may; ask the platform team',
      'exports.grants.0.actions.1: "organizations:ListAccounts" changes who may do what (IAM, the organization): no job may; ask the platform team',
    ]);
  });

  it('refuses a parameter path that is every parameter of the account', () => {
    for (const parameter of ['/', '//', '/reports//x'])
      expect(grantProblems(readParameters({ parameter }))[0], parameter).toMatch(
        /is not an SSM parameter name starting with "\/"/,
      );
    expect(parsed(readParameters({ parameter: '/reports/daily/' })).grants).toHaveLength(1);
  });

  it("refuses a grant on what the platform runs on: run records, job events, a worker's queue, its secrets", () => {
    expect(
      grantProblems(
        readTable({ table: 'sandbox-batch-jobs' }),
        writeTable({ table: 'arn:aws:dynamodb:ap-northeast-1:111111111111:table/sandbox-batch-jobs' }),
        putEvents({ bus: 'sandbox-batch-jobs' }),
        consumeQueue({ queue: 'sandbox-order-events-relay-dlq' }),
        readSecret({ secret: 'batch-platform/sandbox/slack' }),
      ),
    ).toEqual([
      'exports.grants.0.table: "sandbox-batch-jobs" holds the platform\'s leases and run records: no job may touch it (npm run job -- status reads runs)',
      'exports.grants.1.table: "arn:aws:dynamodb:ap-northeast-1:111111111111:table/sandbox-batch-jobs" holds the platform\'s leases and run records: no job may touch it (npm run job -- status reads runs)',
      'exports.grants.2.bus: "sandbox-batch-jobs" carries the platform\'s job events: a job putting events there could forge a run\'s outcome',
      'exports.grants.3.queue: "sandbox-order-events-relay-dlq" is worker order-events-relay\'s: only the worker consumes it',
      'exports.grants.4.secret: "batch-platform/sandbox/slack" is one of the platform\'s own secrets (batch-platform/…): no job may read them',
    ]);
    // Sending to a worker's queue is what a worker is for; other environments' names are other tables.
    expect(() =>
      parsed(
        sendToQueue({ queue: 'sandbox-order-events-relay' }),
        readTable({ table: 'staging-batch-jobs' }),
      ),
    ).not.toThrow();
  });

  it('takes a multi-Region key', () => {
    const kmsKey = 'arn:aws:kms:ap-northeast-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    expect(parsed(readBucket({ bucket: 'acme', kmsKey })).grants).toHaveLength(1);
  });

  it('refuses a field a grant does not have', () => {
    expect(grantProblems({ ...readTable({ table: 'ledger' }), index: true })[0]).toMatch(
      /^exports\.grants\.0.*index/,
    );
  });

  describe('wildcards', () => {
    it.for([
      [readBucket({ bucket: 'acme-*' }), 'grants.0.bucket: "acme-*"'],
      [writeBucket({ bucket: 'acme', prefix: 'daily/*/x' }), 'grants.0.prefix: "daily/*/x"'],
      [readTable({ table: 'ledger-?' }), 'grants.0.table: "ledger-?"'],
      [sendToQueue({ queue: 'exports-*' }), 'grants.0.queue: "exports-*"'],
      [consumeQueue({ queue: '*' }), 'grants.0.queue: "*"'],
      [readSecret({ secret: 'batch/*' }), 'grants.0.secret: "batch/*"'],
      [readParameters({ parameter: '/exports/*' }), 'grants.0.parameter: "/exports/*"'],
      [startAthenaQuery({ workgroup: '*' }), 'grants.0.workgroup: "*"'],
      [putEvents({ bus: '*' }), 'grants.0.bus: "*"'],
      [describeDbSnapshots({ instances: ['orders-db', '*'] }), 'grants.0.instances.1: "*"'],
    ] as const)('are refused without a reason: %o', ([grant, where]) => {
      expect(grantProblems(grant)).toEqual([
        `exports.${where} ${WILDCARD} saying why this grant must be wide (the reviewer reads it)`,
      ]);
    });

    it('in a statement, which always carries a reason, are taken', () => {
      const wide = { actions: ['cloudwatch:PutMetricData'], resources: ['*'] };
      expect(grantProblems({ grant: 'statement', ...wide })).toEqual([
        'exports.grants.0.reason: is required: say why the job needs IAM no helper covers (the reviewer weighs it)',
      ]);
      expect(parsed(statement({ ...wide, reason: 'PutMetricData takes no resource' })).grants).toHaveLength(
        1,
      );
    });

    it('are taken with a reason, which must say something', () => {
      const reason = 'the partner writes one bucket per day, named by date';
      expect(parsed(readBucket({ bucket: 'partner-*', reason })).grants).toEqual([
        { grant: 'readBucket', bucket: 'partner-*', reason },
      ]);
      expect(grantProblems(readBucket({ bucket: 'partner-*', reason: 'needed' }))).toEqual([
        'exports.grants.0.reason: is too short to tell a reviewer why the grant must be this wide: say why in a sentence',
      ]);
    });

    it('are not asked of the ones a grant adds itself: keys under a prefix, a secret suffix, table indexes', () => {
      expect(() =>
        parsed(
          writeBucket({ bucket: 'acme', prefix: 'daily/' }),
          readSecret({ secret: 'batch/exports' }),
          readTable({ table: 'ledger', indexes: true }),
        ),
      ).not.toThrow();
    });
  });

  describe('profiles', () => {
    it('say what is wrong with a field of the wrong type', () => {
      expect(problems([profile('readTable' as unknown as unknown[], { description: 42, owner: 7 })])).toEqual(
        [
          'exports.description: must be a string, got a number: one line saying what jobs with this profile may do',
          'exports.owner: must be a string, got a number: the team that reviews changes to this profile, e.g. "sre"',
          'exports.grants: must be a list, got a string: the grants, e.g. [readBucket({ bucket: "acme-reports" })]',
        ],
      );
      expect(problems([profile([readTable({ table: 'ledger' })], { owner: 'data platform' })])).toEqual([
        'exports.owner: must be a team slug such as "sre" or "data-platform"',
      ]);
    });

    it('must have a description, an owning team and at least one grant', () => {
      expect(problems([profile([], { description: '', owner: 'Data Platform' })])).toEqual([
        'exports.description: is empty: say in one line what jobs with this profile may do',
        'exports.owner: must be a team slug such as "sre" or "data-platform"',
        'exports.grants: is empty: a profile grants something; a job that needs nothing names no profile',
      ]);
    });

    it('have names that fit the role name IAM takes (64) with the longest environment name', () => {
      const longest = 'p'.repeat(30);
      expect(load([profile([readTable({ table: 'ledger' })], { name: longest })]).access.at(-1)!.name).toBe(
        longest,
      );
      expect(problems([profile([readTable({ table: 'ledger' })], { name: `${longest}q` })])).toEqual([
        `${longest}q.name: is longer than 30 characters: the role "<env>-job-profile-<name>" must fit IAM's 64`,
      ]);
    });

    it('are unique', () => {
      expect(
        problems([profile([readTable({ table: 'a-table' })]), profile([readTable({ table: 'b-table' })])]),
      ).toEqual(['exports.name: is used by profiles[4] and profiles[5]: names must be unique']);
    });

    it('change per environment through overrides, and only for environments that exist', () => {
      const exports = profile([readTable({ table: 'ledger' })], {
        overrides: { production: { grants: [readTable({ table: 'ledger-production' })] } },
      });
      const table = (env: string) =>
        (load([exports], env).access.at(-1)!.grants[0] as { table: string }).table;
      expect([table('sandbox'), table('production')]).toEqual(['ledger', 'ledger-production']);
      expect(problems([{ ...exports, overrides: { prod: {} } }])).toEqual([
        'exports.overrides.prod: no such environment; use one of sandbox, staging, production',
      ]);
    });

    it('are measured as IAM measures the policy: its JSON without whitespace', () => {
      const [ledger] = load([profile([readBucket({ bucket: 'acme', prefix: 'ledger/' })])]).access.slice(-1);
      const scope = {
        environment: 'sandbox',
        account: '111111111111',
        region: 'ap-northeast-1',
        partition: 'aws',
      };
      expect(policyChars(ledger!, scope)).toBe(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::acme/ledger/*"],"Condition":{"StringEquals":{"aws:ResourceAccount":"111111111111"}}},{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::acme"],"Condition":{"StringEquals":{"aws:ResourceAccount":"111111111111"},"StringLike":{"s3:prefix":["ledger/*"]}}},{"Effect":"Deny","Action":["iam:*","organizations:*"],"Resource":["*"]},{"Effect":"Deny","Action":["sts:AssumeRole"],"Resource":["arn:aws:iam::111111111111:role/*"]}]}'
          .length,
      );
    });

    it('may fill a managed policy to the last character, and not one more', () => {
      const key = (n: number) =>
        profile([
          statement({
            actions: ['s3:GetObject'],
            resources: [`arn:aws:s3:::acme/${'k'.repeat(n)}`],
            reason: 'the job reads the catalog for its queries',
          }),
        ]);
      const scope = {
        environment: 'sandbox',
        account: '111111111111',
        region: 'ap-northeast-1',
        partition: 'aws',
      };
      const room = MAX_MANAGED_POLICY_CHARS - policyChars(load([key(1)]).access.at(-1)!, scope) + 1;
      expect(load([key(room)]).access.at(-1)!.name).toBe('exports');
      expect(problems([key(room + 1)])).toEqual([
        `exports.grants: make a policy of ${MAX_MANAGED_POLICY_CHARS + 1} characters, more than the ${MAX_MANAGED_POLICY_CHARS} IAM takes in a managed policy: split the profile in two`,
      ]);
    });

    it('fit in a managed policy, or say how big they are', () => {
      const tables = Array.from({ length: 40 }, (_, i) => readTable({ table: `ledger-table-number-${i}` }));
      const [problem] = problems([profile(tables)]);
      const chars = Number(/policy of (\d+) characters/.exec(problem!)?.[1]);
      expect(chars).toBeGreaterThan(MAX_MANAGED_POLICY_CHARS);
      expect(problem).toBe(
        `exports.grants: make a policy of ${chars} characters, more than the ${MAX_MANAGED_POLICY_CHARS} IAM takes in a managed policy: split the profile in two`,
      );
      expect(() => load([profile(tables.slice(0, 15))])).not.toThrow();
    });
  });

  describe('references', () => {
    it('a job or worker naming a profile that does not exist is refused, with the likely one', () => {
      const sources = withProfiles([], {
        schedules: [{ ...jobInput, access: 'report-writer' }],
        workers: [
          {
            name: 'relay',
            description: 'Relays orders',
            owner: 'commerce',
            command: ['node', 'main.js', 'webhook-relay'],
            maxProcessingTime: '30s',
            visibilityTimeout: '2m',
            access: 'nobody',
          },
        ],
      });
      const found = problemsOf(() => loadConfig('sandbox', sources));
      expect(found).toEqual([
        'nightly-report.access: no profile "report-writer" in config/access.ts: did you mean "reports-writer"?',
        'relay.access: no profile "nobody" in config/access.ts (there are reports-writer, catalogue-reader, backup-auditor, every-grant)',
        'every-grant.grants.4.worker: no worker "order-events-relay" in config/workers.ts (there are relay)',
      ]);
    });

    it('puts each problem in the file to edit', () => {
      const files = (sources: typeof FIXTURE_CONFIG) => {
        try {
          loadConfig('sandbox', sources);
        } catch (error) {
          if (error instanceof ConfigError) return error.files.map((f) => f.file);
          throw error;
        }
        return [];
      };
      expect(files(withProfiles([], { schedules: [{ ...jobInput, access: 'nobody' }] }))).toEqual([
        'config/schedules.ts',
      ]);
      const relay = (FIXTURE_CONFIG.workers as { name: string }[]).find(
        (w) => w.name === 'order-events-relay',
      );
      expect(files(withProfiles([], { workers: [{ ...relay, access: 'nobody' }] }))).toEqual([
        'config/workers.ts',
      ]);
      expect(files(withProfiles([], { workers: [] }))).toEqual(['config/access.ts']);
      expect(files(withProfiles([profile([])]))).toEqual(['config/access.ts']);
    });

    it('a grant to a queue by name needs no worker of that name', () => {
      const exports = profile([sendToQueue({ queue: 'exports' }), readTable({ table: 'ledger' })]);
      const sources = { ...FIXTURE_CONFIG, access: [exports], schedules: [jobInput], workers: [] };
      expect(loadConfig('sandbox', sources).access.map((p) => p.name)).toEqual(['exports']);
    });

    it('a job and a worker that name a profile carry it', () => {
      const config = loadConfig('sandbox', FIXTURE_CONFIG);
      expect(config.schedules.find((j) => j.name === 'nightly-sales-report')!.access).toBe('reports-writer');
      expect(config.schedules.find((j) => j.name === 'canary')!.access).toBeUndefined();
      expect(config.workers.find((w) => w.name === 'ledger-exporter')!.access).toBe('every-grant');
    });
  });
});
