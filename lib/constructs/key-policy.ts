import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Denies kms:CreateGrant on `key` unless the grant is for an AWS resource or the caller is
 * an AWS service (Control Tower CT.KMS.PR.3). A grant is a way around the key policy: with
 * this, only services acting for a resource (e.g. Lambda, EBS) can create one, never a user
 * or role directly. The control accepts exactly this shape: Deny, `Principal: {AWS: "*"}`,
 * `Resource: "*"`, and only these two keys under `BoolIfExists`.
 */
export function denyGrantsExceptForAwsServices(key: kms.IKey): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}
