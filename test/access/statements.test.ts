import { describe, expect, it } from 'vitest';
import type { Grant } from '../../lib/config/access-grants';
import {
  accessScope,
  crossAccountStatements,
  grantStatements,
  guardStatements,
  partitionOf,
  permissionLines,
  profileStatements,
} from '../../lib/access/statements';

const scope = accessScope({ name: 'sandbox', account: '111111111111', region: 'ap-northeast-1' });
const KEY = 'arn:aws:kms:ap-northeast-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TABLE = 'arn:aws:dynamodb:ap-northeast-1:111111111111:table';
const here = { StringEquals: { 'aws:ResourceAccount': '111111111111' } };

describe('grantStatements', () => {
  it.for<[string, Grant, unknown[]]>([
    [
      'readBucket under a prefix: objects there, and listing only their keys',
      { grant: 'readBucket', bucket: 'acme', prefix: 'daily/' },
      [
        { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::acme/daily/*'], conditions: here },
        {
          actions: ['s3:ListBucket'],
          resources: ['arn:aws:s3:::acme'],
          conditions: { ...here, StringLike: { 's3:prefix': ['daily/*'] } },
        },
      ],
    ],
    [
      'readBucket of the whole bucket: listing unrestricted',
      { grant: 'readBucket', bucket: 'acme' },
      [
        { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::acme/*'], conditions: here },
        { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::acme'], conditions: here },
      ],
    ],
    [
      "writeBucket of another account's bucket with its key",
      { grant: 'writeBucket', bucket: 'drop', prefix: 'acme/', account: '999999999999', kmsKey: KEY },
      [
        {
          actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
          resources: ['arn:aws:s3:::drop/acme/*'],
          conditions: { StringEquals: { 'aws:ResourceAccount': '999999999999' } },
          owner: '999999999999',
        },
        {
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [KEY],
          conditions: { StringEquals: { 'kms:ViaService': 's3.ap-northeast-1.amazonaws.com' } },
          owner: '999999999999',
        },
      ],
    ],
    [
      'readBucket with its key: decrypt only',
      { grant: 'readBucket', bucket: 'acme', kmsKey: KEY.replace('999999999999', '111111111111') },
      [
        { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::acme/*'], conditions: here },
        { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::acme'], conditions: here },
        {
          actions: ['kms:Decrypt'],
          resources: [KEY.replace('999999999999', '111111111111')],
          conditions: { StringEquals: { 'kms:ViaService': 's3.ap-northeast-1.amazonaws.com' } },
        },
      ],
    ],
    [
      'readTable with its indexes',
      { grant: 'readTable', table: 'ledger', indexes: true },
      [
        {
          actions: [
            'dynamodb:BatchGetItem',
            'dynamodb:ConditionCheckItem',
            'dynamodb:DescribeTable',
            'dynamodb:GetItem',
            'dynamodb:Query',
            'dynamodb:Scan',
          ],
          resources: [`${TABLE}/ledger`],
        },
        { actions: ['dynamodb:Query', 'dynamodb:Scan'], resources: [`${TABLE}/ledger/index/*`] },
      ],
    ],
    [
      "writeTable of another account's table, by ARN",
      { grant: 'writeTable', table: 'arn:aws:dynamodb:ap-northeast-1:999999999999:table/ledger' },
      [
        {
          actions: [
            'dynamodb:BatchWriteItem',
            'dynamodb:ConditionCheckItem',
            'dynamodb:DeleteItem',
            'dynamodb:DescribeTable',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
          ],
          resources: ['arn:aws:dynamodb:ap-northeast-1:999999999999:table/ledger'],
          owner: '999999999999',
        },
      ],
    ],
    [
      "sendToQueue a worker's queue of this environment",
      { grant: 'sendToQueue', worker: 'order-events-relay' },
      [
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resources: ['arn:aws:sqs:ap-northeast-1:111111111111:sandbox-order-events-relay'],
        },
      ],
    ],
    [
      'sendToQueue by name with its key',
      { grant: 'sendToQueue', queue: 'exports', kmsKey: KEY },
      [
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resources: ['arn:aws:sqs:ap-northeast-1:111111111111:exports'],
        },
        {
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [KEY],
          conditions: { StringEquals: { 'kms:ViaService': 'sqs.ap-northeast-1.amazonaws.com' } },
          owner: '999999999999',
        },
      ],
    ],
    [
      'consumeQueue with its key: decrypt only',
      { grant: 'consumeQueue', queue: 'requests', kmsKey: KEY },
      [
        {
          actions: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          resources: ['arn:aws:sqs:ap-northeast-1:111111111111:requests'],
        },
        {
          actions: ['kms:Decrypt'],
          resources: [KEY],
          conditions: { StringEquals: { 'kms:ViaService': 'sqs.ap-northeast-1.amazonaws.com' } },
          owner: '999999999999',
        },
      ],
    ],
    [
      "readSecret by name: Secrets Manager's six-character suffix",
      { grant: 'readSecret', secret: 'batch/reports' },
      [
        {
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          resources: ['arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:batch/reports-??????'],
        },
      ],
    ],
    [
      'readSecret of another account, with its key',
      {
        grant: 'readSecret',
        secret: 'arn:aws:secretsmanager:ap-northeast-1:999999999999:secret:shared-AbCdEf',
        kmsKey: KEY,
      },
      [
        {
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          resources: ['arn:aws:secretsmanager:ap-northeast-1:999999999999:secret:shared-AbCdEf'],
          owner: '999999999999',
        },
        {
          actions: ['kms:Decrypt'],
          resources: [KEY],
          conditions: { StringEquals: { 'kms:ViaService': 'secretsmanager.ap-northeast-1.amazonaws.com' } },
          owner: '999999999999',
        },
      ],
    ],
    [
      'readParameters of one parameter',
      { grant: 'readParameters', parameter: '/reports/config' },
      [
        {
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: ['arn:aws:ssm:ap-northeast-1:111111111111:parameter/reports/config'],
        },
      ],
    ],
    [
      'readParameters of a path: the path itself for GetParametersByPath, the names under it',
      { grant: 'readParameters', parameter: '/reports/' },
      [
        {
          actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
          resources: [
            'arn:aws:ssm:ap-northeast-1:111111111111:parameter/reports',
            'arn:aws:ssm:ap-northeast-1:111111111111:parameter/reports/*',
          ],
        },
      ],
    ],
    [
      'startAthenaQuery in a workgroup',
      { grant: 'startAthenaQuery', workgroup: 'reporting' },
      [
        {
          actions: [
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:GetWorkGroup',
            'athena:StartQueryExecution',
            'athena:StopQueryExecution',
          ],
          resources: ['arn:aws:athena:ap-northeast-1:111111111111:workgroup/reporting'],
        },
      ],
    ],
    [
      'putEvents on a bus by name',
      { grant: 'putEvents', bus: 'orders' },
      [
        {
          actions: ['events:PutEvents'],
          resources: ['arn:aws:events:ap-northeast-1:111111111111:event-bus/orders'],
        },
      ],
    ],
    [
      'putEvents on a bus of another account',
      { grant: 'putEvents', bus: 'arn:aws:events:ap-northeast-1:999999999999:event-bus/orders' },
      [
        {
          actions: ['events:PutEvents'],
          resources: ['arn:aws:events:ap-northeast-1:999999999999:event-bus/orders'],
          owner: '999999999999',
        },
      ],
    ],
    [
      'describeDbSnapshots of named instances',
      { grant: 'describeDbSnapshots', instances: ['orders-db', 'billing-db'] },
      [
        {
          actions: ['rds:DescribeDBSnapshots'],
          resources: [
            'arn:aws:rds:ap-northeast-1:111111111111:db:orders-db',
            'arn:aws:rds:ap-northeast-1:111111111111:db:billing-db',
          ],
        },
      ],
    ],
    [
      'a statement, as written',
      {
        grant: 'statement',
        actions: ['glue:GetTable'],
        resources: ['arn:aws:glue:ap-northeast-1:111111111111:catalog'],
        reason: 'the job reads the catalog for its queries',
      },
      [{ actions: ['glue:GetTable'], resources: ['arn:aws:glue:ap-northeast-1:111111111111:catalog'] }],
    ],
    [
      'a statement on one other account names it as the owner; on several, none',
      {
        grant: 'statement',
        actions: ['sqs:SendMessage'],
        resources: ['arn:aws:sqs:ap-northeast-1:999999999999:a', 'arn:aws:sqs:ap-northeast-1:999999999999:b'],
        reason: 'the job reads the catalog for its queries',
      },
      [
        {
          actions: ['sqs:SendMessage'],
          resources: [
            'arn:aws:sqs:ap-northeast-1:999999999999:a',
            'arn:aws:sqs:ap-northeast-1:999999999999:b',
          ],
          owner: '999999999999',
        },
      ],
    ],
  ])('%s', ([, grant, statements]) => {
    expect(grantStatements(grant, scope)).toEqual(statements);
  });

  it('names no owner for a statement over several other accounts, or on "*"', () => {
    const two = grantStatements(
      {
        grant: 'statement',
        actions: ['sqs:SendMessage'],
        resources: ['arn:aws:sqs:ap-northeast-1:999999999999:a', 'arn:aws:sqs:ap-northeast-1:888888888888:b'],
        reason: 'the job reads the catalog for its queries',
      },
      scope,
    );
    expect(two[0]).not.toHaveProperty('owner');
    const star = grantStatements(
      {
        grant: 'statement',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        reason: 'no resource types',
      },
      scope,
    );
    expect(star).toEqual([{ actions: ['cloudwatch:PutMetricData'], resources: ['*'] }]);
  });

  it('builds ARNs in the partition of the region', () => {
    const china = accessScope({ name: 'cn', account: '111111111111', region: 'cn-north-1' });
    expect(grantStatements({ grant: 'putEvents', bus: 'orders' }, china)[0]!.resources).toEqual([
      'arn:aws-cn:events:cn-north-1:111111111111:event-bus/orders',
    ]);
    expect(grantStatements({ grant: 'readBucket', bucket: 'acme' }, china)[0]!.resources).toEqual([
      'arn:aws-cn:s3:::acme/*',
    ]);
  });
});

describe('keys and guards', () => {
  it("conditions a key on the service endpoint of the key's own region", () => {
    const key = 'arn:aws:kms:us-east-1:999999999999:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    const [, kms] = grantStatements(
      { grant: 'consumeQueue', queue: 'arn:aws:sqs:us-east-1:999999999999:q', kmsKey: key },
      scope,
    );
    expect(kms!.conditions).toEqual({ StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } });
  });

  it('denies IAM, the organization and the roles of this account to every profile', () => {
    expect(guardStatements(scope)).toEqual([
      { effect: 'Deny', actions: ['iam:*', 'organizations:*'], resources: ['*'] },
      { effect: 'Deny', actions: ['sts:AssumeRole'], resources: ['arn:aws:iam::111111111111:role/*'] },
    ]);
  });
});

describe('partitionOf', () => {
  it.for([
    ['ap-northeast-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-east-1', 'aws'],
  ])('%s is in %s', ([region, partition]) => {
    expect(partitionOf(region!)).toBe(partition);
  });
});

describe('crossAccountStatements', () => {
  it("gives each statement on another account's resource as that account must add it, numbered", () => {
    const statements = profileStatements(
      [
        { grant: 'readTable', table: 'ledger', indexes: false },
        { grant: 'writeBucket', bucket: 'drop', account: '999999999999' },
      ],
      scope,
    );
    expect(crossAccountStatements(statements, 'arn:aws:iam::111111111111:role/r', 'Drop')).toEqual([
      {
        account: '999999999999',
        statement: {
          Sid: 'Drop1',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:role/r' },
          Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
          Resource: ['arn:aws:s3:::drop/*'],
        },
      },
    ]);
  });
});

describe('permissionLines', () => {
  it('one sorted line per action and resource, local ARNs shortened, narrowing conditions said', () => {
    const statements = profileStatements(
      [
        { grant: 'readBucket', bucket: 'acme', prefix: 'daily/' },
        { grant: 'writeBucket', bucket: 'drop', account: '999999999999' },
        { grant: 'putEvents', bus: 'arn:aws:events:ap-northeast-1:999999999999:event-bus/orders' },
        { grant: 'readSecret', secret: 'batch/reports' },
      ],
      scope,
    );
    expect(permissionLines(statements, scope)).toEqual([
      'events:PutEvents on arn:aws:events:ap-northeast-1:999999999999:event-bus/orders',
      's3:AbortMultipartUpload on drop/* (owned by 999999999999)',
      's3:GetObject on acme/daily/*',
      's3:ListBucket on acme (keys daily/*)',
      's3:PutObject on drop/* (owned by 999999999999)',
      'secretsmanager:DescribeSecret on secretsmanager secret:batch/reports-??????',
      'secretsmanager:GetSecretValue on secretsmanager secret:batch/reports-??????',
    ]);
  });

  it('says each permission once, however many grants give it', () => {
    const statements = profileStatements(
      [
        { grant: 'putEvents', bus: 'orders' },
        { grant: 'putEvents', bus: 'orders' },
      ],
      scope,
    );
    expect(permissionLines(statements, scope)).toEqual(['events:PutEvents on events event-bus/orders']);
  });
});
