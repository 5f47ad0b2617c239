import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import { denyGrantsExceptForAwsServices } from './key-policy';

const ID = 'LogsKey';

/**
 * The customer managed key that encrypts the log groups of one stack (Control Tower
 * CT.CLOUDWATCH.PR.3). One key per stack rather than one per environment: the control checks
 * the template, and accepts only a key ARN string or a reference to a key in the same
 * template, so a key exported from another stack would fail it. A key costs about $1 a month.
 *
 * Only CloudWatch Logs in this account and region may use it, and only for this account's
 * log groups (the encryption context CloudWatch Logs sends names the log group). Writers and
 * readers of the logs need no key permissions: CloudWatch Logs encrypts and decrypts itself.
 */
export class LogsKey extends Construct {
  /** The stack's logs key, created on first use. */
  static of(scope: IConstruct): kms.Key {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ID) as LogsKey | undefined;
    return (existing ?? new LogsKey(stack, ID)).key;
  }

  public readonly key: kms.Key;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    const { account, region, partition } = scope;
    this.key = new kms.Key(this, 'Key', {
      description: `batch-platform: encrypts the CloudWatch log groups of ${scope.stackName}`,
      enableKeyRotation: true,
      // A destroyed key makes its logs unreadable; keys cost little and deletion has a
      // 30-day wait anyway, so keep it even when the log groups go.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'], // in a key policy, "*" means this key
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*`,
          },
        },
      }),
    );
    denyGrantsExceptForAwsServices(this.key);
  }
}
