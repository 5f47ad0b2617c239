import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { DoctorClients } from './main';

/** Tests pass static fake credentials; the CLI leaves them to the default chain. */
type ClientOptions = {
  readonly region: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
};

/** The doctor's SDK clients, all in `options.region` (the environment's, never the profile's). */
export function doctorClients(options: ClientOptions): DoctorClients {
  return {
    sts: new STSClient(options),
    secrets: new SecretsManagerClient(options),
    ssm: new SSMClient(options),
    quotas: new ServiceQuotasClient(options),
    sns: new SNSClient(options),
  };
}
