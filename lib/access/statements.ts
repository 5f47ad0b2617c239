import type { Grant } from '../config/access-grants';
import { workerQueueNames } from '../schedule/naming';

/** Where a profile's grants are resolved: the environment's account and region. */
export interface AccessScope {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** `aws`, or `aws-cn` / `aws-us-gov` for regions of those partitions. */
  readonly partition: string;
}

/** The partition of a region: ARNs in China and GovCloud regions do not start `arn:aws:`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The scope of an environment's profiles: its name, account and region. */
export function accessScope(environment: {
  readonly name: string;
  readonly account: string;
  readonly region: string;
}): AccessScope {
  return {
    environment: environment.name,
    account: environment.account,
    region: environment.region,
    partition: partitionOf(environment.region),
  };
}

/** One IAM statement of a profile, with the account whose resource policy must also allow it. */
export interface AccessStatement {
  /** Allow unless told: only the guard statements deny. */
  readonly effect?: 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /**
   * The account that owns the resources when it is not the environment's: IAM in our account
   * is half of a cross-account grant, and that account must add a statement to the
   * resource's policy (see `crossAccountStatements`).
   */
  readonly owner?: string;
}

const accountOfArn = (arn: string) => arn.split(':')[4] ?? '';

/** Statements IAM evaluates for one grant, every resource an explicit ARN. */
export function grantStatements(grant: Grant, scope: AccessScope): AccessStatement[] {
  const { partition, region, account } = scope;
  const arn = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  /** A name, or an ARN already (a resource of another account). */
  const nameOrArn = (value: string, service: string, resource: (name: string) => string) =>
    value.startsWith('arn:') ? value : arn(service, resource(value));
  const owned = (statement: AccessStatement, resourceAccount: string): AccessStatement =>
    resourceAccount === account ? statement : { ...statement, owner: resourceAccount };
  // The key is in the region of the bucket, queue or secret it encrypts, which is the region
  // of the service endpoint that calls KMS on the job's behalf.
  const viaKey = (key: string | undefined, service: string, actions: string[]): AccessStatement[] =>
    key === undefined
      ? []
      : [
          owned(
            {
              actions,
              resources: [key],
              conditions: {
                StringEquals: { 'kms:ViaService': `${service}.${key.split(':')[3]}.amazonaws.com` },
              },
            },
            accountOfArn(key),
          ),
        ];

  switch (grant.grant) {
    case 'readBucket':
    case 'writeBucket': {
      const owner = grant.account ?? account;
      const bucket = `arn:${partition}:s3:::${grant.bucket}`;
      const keys = `${bucket}/${grant.prefix ?? ''}*`;
      // Bucket names are global: a bucket deleted and re-created by someone else keeps its
      // name, so the account that must own it is part of the grant.
      const inOwner = { 'aws:ResourceAccount': owner };
      if (grant.grant === 'writeBucket') {
        return [
          owned(
            {
              actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
              resources: [keys],
              conditions: { StringEquals: inOwner },
            },
            owner,
          ),
          ...viaKey(grant.kmsKey, 's3', ['kms:Decrypt', 'kms:GenerateDataKey']),
        ];
      }
      return [
        owned({ actions: ['s3:GetObject'], resources: [keys], conditions: { StringEquals: inOwner } }, owner),
        owned(
          {
            actions: ['s3:ListBucket'],
            resources: [bucket],
            conditions: {
              StringEquals: inOwner,
              ...(grant.prefix === undefined ? {} : { StringLike: { 's3:prefix': [`${grant.prefix}*`] } }),
            },
          },
          owner,
        ),
        ...viaKey(grant.kmsKey, 's3', ['kms:Decrypt']),
      ];
    }
    case 'readTable':
    case 'writeTable': {
      const table = nameOrArn(grant.table, 'dynamodb', (name) => `table/${name}`);
      const owner = accountOfArn(table);
      if (grant.grant === 'writeTable') {
        return [
          owned(
            {
              actions: [
                'dynamodb:BatchWriteItem',
                'dynamodb:ConditionCheckItem',
                'dynamodb:DeleteItem',
                'dynamodb:DescribeTable',
                'dynamodb:PutItem',
                'dynamodb:UpdateItem',
              ],
              resources: [table],
            },
            owner,
          ),
        ];
      }
      return [
        owned(
          {
            actions: [
              'dynamodb:BatchGetItem',
              'dynamodb:ConditionCheckItem',
              'dynamodb:DescribeTable',
              'dynamodb:GetItem',
              'dynamodb:Query',
              'dynamodb:Scan',
            ],
            resources: [table],
          },
          owner,
        ),
        ...(grant.indexes
          ? [owned({ actions: ['dynamodb:Query', 'dynamodb:Scan'], resources: [`${table}/index/*`] }, owner)]
          : []),
      ];
    }
    case 'sendToQueue':
    case 'consumeQueue': {
      const name =
        grant.grant === 'sendToQueue' && grant.worker !== undefined
          ? workerQueueNames(scope.environment, grant.worker).queue
          : grant.queue!;
      const queue = nameOrArn(name, 'sqs', (n) => n);
      const actions =
        grant.grant === 'sendToQueue'
          ? ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']
          : [
              'sqs:ChangeMessageVisibility',
              'sqs:DeleteMessage',
              'sqs:GetQueueAttributes',
              'sqs:GetQueueUrl',
              'sqs:ReceiveMessage',
            ];
      return [
        owned({ actions, resources: [queue] }, accountOfArn(queue)),
        ...viaKey(
          grant.kmsKey,
          'sqs',
          grant.grant === 'sendToQueue' ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        ),
      ];
    }
    case 'readSecret': {
      // Secrets Manager appends "-" and six random characters to a secret's ARN.
      const secret = nameOrArn(grant.secret, 'secretsmanager', (name) => `secret:${name}-??????`);
      return [
        owned(
          {
            actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            resources: [secret],
          },
          accountOfArn(secret),
        ),
        ...viaKey(grant.kmsKey, 'secretsmanager', ['kms:Decrypt']),
      ];
    }
    case 'readParameters': {
      const path = grant.parameter.slice(1);
      if (!path.endsWith('/')) {
        return [
          {
            actions: ['ssm:GetParameter', 'ssm:GetParameters'],
            resources: [arn('ssm', `parameter/${path}`)],
          },
        ];
      }
      // GetParametersByPath is authorized on the path itself; its parameters on their own names.
      return [
        {
          actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
          resources: [arn('ssm', `parameter/${path.slice(0, -1)}`), arn('ssm', `parameter/${path}*`)],
        },
      ];
    }
    case 'startAthenaQuery':
      return [
        {
          actions: [
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:GetWorkGroup',
            'athena:StartQueryExecution',
            'athena:StopQueryExecution',
          ],
          resources: [arn('athena', `workgroup/${grant.workgroup}`)],
        },
      ];
    case 'putEvents': {
      const bus = nameOrArn(grant.bus, 'events', (name) => `event-bus/${name}`);
      return [owned({ actions: ['events:PutEvents'], resources: [bus] }, accountOfArn(bus))];
    }
    case 'describeDbSnapshots':
      return [
        {
          actions: ['rds:DescribeDBSnapshots'],
          resources: grant.instances.map((instance) => arn('rds', `db:${instance}`)),
        },
      ];
    case 'statement': {
      const owners = new Set(grant.resources.map(accountOfArn).filter((a) => a !== '' && a !== account));
      const statement = { actions: grant.actions, resources: grant.resources };
      return [owners.size === 1 ? { ...statement, owner: [...owners][0]! } : statement];
    }
  }
}

/**
 * What every profile denies, whatever it grants: IAM and the organization (a role that can
 * change policies can give itself anything), and taking another role of this account (the
 * CDK bootstrap roles trust the account). A backstop under validation, which refuses such
 * statements outright, for a wildcard action given with a reason.
 */
export function guardStatements(scope: AccessScope): AccessStatement[] {
  return [
    { effect: 'Deny', actions: ['iam:*', 'organizations:*'], resources: ['*'] },
    {
      effect: 'Deny',
      actions: ['sts:AssumeRole'],
      resources: [`arn:${scope.partition}:iam::${scope.account}:role/*`],
    },
  ];
}

/** A profile's statements, in the order its grants are written. */
export function profileStatements(grants: readonly Grant[], scope: AccessScope): AccessStatement[] {
  return grants.flatMap((grant) => grantStatements(grant, scope));
}

/** One statement of a resource policy in another account, as that account must add it. */
export interface CrossAccountStatement {
  readonly account: string;
  readonly statement: {
    readonly Sid: string;
    readonly Effect: 'Allow';
    readonly Principal: { readonly AWS: string };
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
  };
}

/**
 * What another account must add to its bucket, queue, secret, table, bus or key policy for a
 * cross-account grant to work: IAM in our account allows the call, their policy must too.
 */
export function crossAccountStatements(
  statements: readonly AccessStatement[],
  roleArn: string,
  sid: string,
): CrossAccountStatement[] {
  return statements.flatMap((s, index) =>
    s.owner === undefined
      ? []
      : [
          {
            account: s.owner,
            statement: {
              Sid: `${sid}${index}`,
              Effect: 'Allow' as const,
              Principal: { AWS: roleArn },
              Action: s.actions,
              Resource: s.resources,
            },
          },
        ],
  );
}

/**
 * A profile's permissions one line each, `s3:PutObject on acme-reports/daily/*`, for the
 * review: what a job gains or loses is the difference of two such sets. ARNs of the
 * environment's own account and region are shortened; conditions that narrow a grant are said.
 */
export function permissionLines(statements: readonly AccessStatement[], scope: AccessScope): string[] {
  const local = `:${scope.region}:${scope.account}:`;
  const short = (resource: string) => {
    if (resource.startsWith(`arn:${scope.partition}:s3:::`))
      return resource.slice(`arn:${scope.partition}:s3:::`.length);
    const parts = resource.split(':');
    return resource.includes(local) ? `${parts[2]} ${parts.slice(5).join(':')}` : resource;
  };
  const narrowing = (s: AccessStatement) => {
    const like = s.conditions?.['StringLike']?.['s3:prefix'];
    const owner = s.conditions?.['StringEquals']?.['aws:ResourceAccount'];
    return [
      like === undefined ? '' : ` (keys ${[like].flat().join(', ')})`,
      owner !== undefined && owner !== scope.account ? ` (owned by ${String(owner)})` : '',
    ].join('');
  };
  const lines = statements.flatMap((s) =>
    s.actions.flatMap((action) =>
      s.resources.map((resource) => `${action} on ${short(resource)}${narrowing(s)}`),
    ),
  );
  return [...new Set(lines)].sort();
}
