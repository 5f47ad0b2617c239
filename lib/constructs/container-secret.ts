import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { SecretRef } from '../config/common-schema';

/**
 * An ECS secret from a config reference: Secrets Manager (name or full ARN, optional JSON
 * field) or an SSM SecureString parameter. ECS injects the value at task start and grants the
 * task's execution role read access; the value never appears in a template.
 */
export function containerSecret(scope: Construct, variable: string, ref: SecretRef): ecs.Secret {
  if ('ssmParameter' in ref) {
    return ecs.Secret.fromSsmParameter(
      ssm.StringParameter.fromSecureStringParameterAttributes(scope, `Param${variable}`, {
        parameterName: ref.ssmParameter,
      }),
    );
  }
  const secret = ref.secretsManager.startsWith('arn:')
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, `Secret${variable}`, ref.secretsManager)
    : secretsmanager.Secret.fromSecretNameV2(scope, `Secret${variable}`, ref.secretsManager);
  return ecs.Secret.fromSecretsManager(secret, ref.field);
}
