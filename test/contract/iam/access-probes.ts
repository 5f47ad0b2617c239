import type { AccessScope } from '../../../lib/access/statements';
import type { AccessProfileConfig } from '../../../lib/config';
import type { Grant } from '../../../lib/config/access-grants';
import { jobNames, workerQueueNames } from '../../../lib/schedule/naming';
import type { Verdict } from './simulate';

/**
 * The calls that prove an access profile: for each grant, what it must allow (every action it
 * declares, on the resource it names) and a sample of its neighbours it must not (another
 * prefix of the same bucket, another table, the same name in another environment's account,
 * a delete where only reading was granted). Generated from the grant, so a profile added to
 * config/access.ts is proven without a new test.
 */
export interface Probe {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** ExplicitlyDenied: the guard statement every profile carries denies it, whatever is granted. */
  readonly expect: Extract<Verdict, 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied'>;
  readonly why: string;
  /** The account the resource is in, when the ARN does not say (S3). */
  readonly resourceAccount?: string;
}

/**
 * Another account than the environment's, for "the same name, elsewhere": the staging
 * account of the example config, or production's when the environment is staging.
 */
export const elsewhere = (scope: AccessScope) =>
  scope.account === '222222222222' ? '333333333333' : '222222222222';

const allow = (action: string, resource: string, why: string, more: Partial<Probe> = {}): Probe => ({
  action,
  resource,
  expect: 'Allowed',
  why,
  ...more,
});
const deny = (action: string, resource: string, why: string, more: Partial<Probe> = {}): Probe => ({
  action,
  resource,
  expect: 'ImplicitlyDenied',
  why,
  ...more,
});

const guarded = (action: string, resource: string, why: string): Probe => ({
  action,
  resource,
  expect: 'ExplicitlyDenied',
  why,
});

/** `arn:aws:dynamodb:region:account:table/x` with another account. */
const inAccount = (arn: string, account: string) => {
  const parts = arn.split(':');
  parts[4] = account;
  return parts.join(':');
};

export function grantProbes(grant: Grant, scope: AccessScope): Probe[] {
  const { partition, region, account, environment } = scope;
  const ELSEWHERE = elsewhere(scope);
  const arn = (service: string, resource: string, acct = account) =>
    `arn:${partition}:${service}:${region}:${acct}:${resource}`;
  const nameOrArn = (value: string, service: string, resource: (name: string) => string) =>
    value.startsWith('arn:') ? value : arn(service, resource(value));

  switch (grant.grant) {
    case 'readBucket':
    case 'writeBucket': {
      const owner = grant.account ?? account;
      const bucket = `arn:${partition}:s3:::${grant.bucket}`;
      const prefix = grant.prefix ?? '';
      const key = `${bucket}/${prefix}2026-11-24/report.csv`;
      const owned = { context: { 'aws:ResourceAccount': owner }, resourceAccount: owner };
      const elsewhere = { context: { 'aws:ResourceAccount': ELSEWHERE }, resourceAccount: ELSEWHERE };
      const [granted, other] =
        grant.grant === 'readBucket' ? ['s3:GetObject', 's3:PutObject'] : ['s3:PutObject', 's3:GetObject'];
      const probes = [
        allow(granted, key, `${grant.grant} ${grant.bucket}/${prefix}`, owned),
        deny(
          other,
          key,
          grant.grant === 'readBucket' ? 'read only: no writes' : 'write only: no reads',
          owned,
        ),
        deny('s3:DeleteObject', key, 'no deletes', owned),
        deny('s3:PutBucketPolicy', bucket, 'no bucket settings', owned),
        deny(granted, `arn:${partition}:s3:::${grant.bucket}-other/${prefix}x.csv`, 'another bucket', owned),
        deny(granted, key, 'a bucket of the same name in another account', elsewhere),
      ];
      if (grant.prefix !== undefined)
        probes.push(
          deny(granted, `${bucket}/other-prefix/${grant.prefix}x.csv`, 'another prefix of the bucket', owned),
        );
      if (grant.grant === 'writeBucket') {
        probes.push(allow('s3:AbortMultipartUpload', key, 'multipart uploads of large reports', owned));
      } else {
        const listing = (listed: string) => ({
          ...owned,
          context: { ...owned.context, 's3:prefix': listed },
        });
        probes.push(
          allow('s3:ListBucket', bucket, `list ${grant.bucket}/${prefix}`, listing(`${prefix}2026-11-24/`)),
          deny('s3:ListBucket', `${bucket}-other`, 'list another bucket', listing(prefix)),
          deny('s3:ListBucketVersions', bucket, 'old versions were not granted', listing(prefix)),
        );
        if (grant.prefix !== undefined)
          probes.push(deny('s3:ListBucket', bucket, 'list another prefix', listing('other-prefix/')));
      }
      if (grant.kmsKey !== undefined) {
        const keyRegion = grant.kmsKey.split(':')[3]!;
        const viaS3 = { context: { 'kms:ViaService': `s3.${keyRegion}.amazonaws.com` } };
        probes.push(
          allow('kms:Decrypt', grant.kmsKey, "the bucket's key, through S3", viaS3),
          deny('kms:Decrypt', grant.kmsKey, 'the key called directly, not through S3', {
            context: { 'kms:ViaService': `sqs.${keyRegion}.amazonaws.com` },
          }),
          deny('kms:ScheduleKeyDeletion', grant.kmsKey, 'no key administration', viaS3),
          deny(
            'kms:Decrypt',
            grant.kmsKey.replace(/key\/.*$/, 'key/00000000-0000-0000-0000-000000000000'),
            'another key of that account',
            viaS3,
          ),
        );
        if (grant.grant === 'writeBucket')
          probes.push(allow('kms:GenerateDataKey', grant.kmsKey, 'encrypting new objects', viaS3));
      }
      return probes;
    }
    case 'readTable':
    case 'writeTable': {
      const table = nameOrArn(grant.table, 'dynamodb', (name) => `table/${name}`);
      const other = `${table}-other`;
      const probes = [
        deny('dynamodb:DeleteTable', table, 'no table changes'),
        deny('dynamodb:UpdateTable', table, 'no table changes'),
        deny('dynamodb:GetItem', other, 'another table'),
        deny('dynamodb:GetItem', inAccount(table, ELSEWHERE), 'the same table in another account'),
        deny(
          'dynamodb:PutItem',
          arn('dynamodb', `table/${jobNames(environment).table}`),
          "the platform's run records",
        ),
        deny('dynamodb:Query', `${other}/index/by-date`, "another table's index"),
        deny('dynamodb:UpdateContributorInsights', `${table}/index/by-date`, 'no index settings'),
      ];
      if (grant.grant === 'readTable') {
        probes.push(
          ...['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'].map((action) =>
            allow(action, table, `readTable ${grant.table}`),
          ),
          deny('dynamodb:PutItem', table, 'read only: no writes'),
          deny('dynamodb:DeleteItem', table, 'read only: no deletes'),
          (grant.indexes ? allow : deny)(
            'dynamodb:Query',
            `${table}/index/by-date`,
            grant.indexes ? 'indexes: true' : 'indexes were not granted',
          ),
        );
      } else {
        probes.push(
          ...[
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:BatchWriteItem',
          ].map((action) => allow(action, table, `writeTable ${grant.table}`)),
          deny('dynamodb:GetItem', table, 'write only: no reads'),
          deny('dynamodb:Scan', table, 'write only: no reads'),
          deny('dynamodb:PutItem', other, 'another table'),
        );
      }
      return probes;
    }
    case 'sendToQueue':
    case 'consumeQueue': {
      const name =
        grant.grant === 'sendToQueue' && grant.worker !== undefined
          ? workerQueueNames(environment, grant.worker).queue
          : grant.queue!;
      const queue = nameOrArn(name, 'sqs', (n) => n);
      const other = nameOrArn(`${name.split(':').pop()!}-other`, 'sqs', (n) => n);
      const common = [
        deny('sqs:PurgeQueue', queue, 'no purging'),
        deny('sqs:DeleteQueue', queue, 'no queue changes'),
        deny('sqs:SetQueueAttributes', queue, 'no queue changes'),
      ];
      if (grant.grant === 'sendToQueue') {
        return [
          allow('sqs:SendMessage', queue, `sendToQueue ${name}`),
          allow('sqs:GetQueueUrl', queue, 'SDKs look the URL up'),
          deny('sqs:ReceiveMessage', queue, 'send only: no receiving'),
          deny('sqs:DeleteMessage', queue, 'send only: no deleting'),
          deny('sqs:SendMessage', arn('sqs', `${name.split(':').pop()!}-x`), 'another queue'),
          deny('sqs:SendMessage', inAccount(queue, ELSEWHERE), 'the same queue in another account'),
          ...common,
        ];
      }
      return [
        ...['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].map((action) =>
          allow(action, queue, `consumeQueue ${name}`),
        ),
        deny('sqs:SendMessage', queue, 'consume only: no sending'),
        deny('sqs:ReceiveMessage', other, 'another queue'),
        ...common,
      ];
    }
    case 'readSecret': {
      const secret = grant.secret.startsWith('arn:')
        ? grant.secret
        : arn('secretsmanager', `secret:${grant.secret}-AbCdEf`);
      const sibling = grant.secret.startsWith('arn:')
        ? grant.secret.replace(/-([A-Za-z0-9]{6})$/, '2-$1')
        : arn('secretsmanager', `secret:${grant.secret}2-AbCdEf`);
      return [
        allow('secretsmanager:GetSecretValue', secret, `readSecret ${grant.secret}`),
        deny('secretsmanager:PutSecretValue', secret, 'read only: no writes'),
        deny('secretsmanager:DeleteSecret', secret, 'no deletes'),
        deny('secretsmanager:GetSecretValue', sibling, 'a secret whose name starts the same'),
        deny(
          'secretsmanager:GetSecretValue',
          inAccount(secret, ELSEWHERE),
          'the same secret in another account',
        ),
        deny(
          'secretsmanager:GetSecretValue',
          arn('secretsmanager', `secret:batch-platform/${environment}/slack-AbCdEf`),
          "the platform's Slack token",
        ),
      ];
    }
    case 'readParameters': {
      const path = grant.parameter.slice(1);
      if (!path.endsWith('/')) {
        const parameter = arn('ssm', `parameter/${path}`);
        return [
          allow('ssm:GetParameter', parameter, `readParameters ${grant.parameter}`),
          deny('ssm:PutParameter', parameter, 'read only: no writes'),
          deny('ssm:DeleteParameter', parameter, 'no deletes'),
          deny('ssm:GetParameter', `${parameter}-other`, 'another parameter'),
        ];
      }
      const under = arn('ssm', `parameter/${path}config`);
      return [
        allow(
          'ssm:GetParametersByPath',
          arn('ssm', `parameter/${path.slice(0, -1)}`),
          `readParameters ${grant.parameter}`,
        ),
        allow('ssm:GetParameter', under, `a parameter under ${grant.parameter}`),
        deny('ssm:PutParameter', under, 'read only: no writes'),
        deny('ssm:DeleteParameter', under, 'no deletes'),
        deny(
          'ssm:GetParameter',
          arn('ssm', `parameter/${path.slice(0, -1)}-other/config`),
          'a path that starts the same',
        ),
      ];
    }
    case 'startAthenaQuery': {
      const workgroup = arn('athena', `workgroup/${grant.workgroup}`);
      return [
        ...['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'].map(
          (action) => allow(action, workgroup, `startAthenaQuery in ${grant.workgroup}`),
        ),
        deny('athena:StartQueryExecution', arn('athena', 'workgroup/primary'), 'another workgroup'),
        deny('athena:UpdateWorkGroup', workgroup, 'no workgroup settings'),
        deny('athena:DeleteWorkGroup', workgroup, 'no deletes'),
      ];
    }
    case 'putEvents': {
      const bus = nameOrArn(grant.bus, 'events', (name) => `event-bus/${name}`);
      return [
        allow('events:PutEvents', bus, `putEvents ${grant.bus}`),
        deny('events:PutEvents', arn('events', 'event-bus/default'), 'the default bus'),
        deny(
          'events:PutEvents',
          arn('events', `event-bus/${jobNames(environment).eventBus}`),
          "forging the platform's job events",
        ),
        deny('events:DeleteEventBus', bus, 'no deletes'),
      ];
    }
    case 'describeDbSnapshots':
      return grant.instances.flatMap((instance) => [
        allow('rds:DescribeDBSnapshots', arn('rds', `db:${instance}`), `describeDbSnapshots ${instance}`),
        deny('rds:DescribeDBSnapshots', arn('rds', `db:${instance}-other`), 'another instance'),
        deny('rds:CreateDBSnapshot', arn('rds', `db:${instance}`), 'describe only: no snapshots taken'),
        deny(
          'rds:DeleteDBSnapshot',
          arn('rds', `snapshot:rds:${instance}-2026-11-24-03-00`),
          'describe only: no deletes',
        ),
        deny('rds:DeleteDBInstance', arn('rds', `db:${instance}`), 'no deletes'),
      ]);
    case 'statement':
      return grant.actions.flatMap((action) =>
        grant.resources.map((resource) => allow(action, resource, `statement: ${action} on ${resource}`)),
      );
  }
}

/**
 * What no profile may do, whatever it grants: reach the platform itself (run records, the
 * runner, job events, the Slack token) or other roles.
 */
export function platformProbes(scope: AccessScope): Probe[] {
  const { partition, region, account, environment } = scope;
  const arn = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const names = jobNames(environment);
  return [
    deny(
      'dynamodb:PutItem',
      arn('dynamodb', `table/${names.table}`),
      "a job cannot write the platform's run records",
    ),
    deny('dynamodb:DeleteItem', arn('dynamodb', `table/${names.table}`), 'a job cannot release a lease'),
    deny(
      'states:StartExecution',
      arn('states', `stateMachine:${names.stateMachine}`),
      'a job cannot start jobs',
    ),
    deny(
      'events:PutEvents',
      arn('events', `event-bus/${names.eventBus}`),
      "a job cannot forge the platform's job events",
    ),
    guarded(
      'iam:PassRole',
      `arn:${partition}:iam::${account}:role/${environment}-job-task-0`,
      'a job cannot pass roles',
    ),
    guarded(
      'iam:PutRolePolicy',
      `arn:${partition}:iam::${account}:role/${environment}-job-profile-any`,
      'a job cannot widen a role, its own included',
    ),
    guarded(
      'sts:AssumeRole',
      `arn:${partition}:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${region}`,
      'a job cannot take the CDK deploy role (it trusts the account)',
    ),
    guarded(
      'iam:CreateRole',
      `arn:${partition}:iam::${account}:role/${environment}-anything`,
      'a job cannot make roles',
    ),
    deny('s3:GetObject', `arn:${partition}:s3:::any-bucket/any-key`, 'no bucket it was not given', {
      context: { 'aws:ResourceAccount': account },
    }),
  ];
}

/** Every call that proves `profile`: its grants' and the platform's own denials. */
export function profileProbes(profile: AccessProfileConfig, scope: AccessScope): Probe[] {
  return [...profile.grants.flatMap((grant) => grantProbes(grant, scope)), ...platformProbes(scope)];
}
