import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue where a service parks what it could not deliver (Scheduler's starts, the notifier's
 * messages): encrypted, TLS only, kept 14 days (the longest SQS keeps a message: time to
 * investigate and redrive).
 *
 * No SQS queue redrives into it under a name known at synth, so it allows any: Control Tower
 * CT.SQS.PR.1 asks a dead-letter queue to state its redrive permission rather than have a DLQ
 * of its own, and allowAll is what SQS applies when none is stated. cdk-nag only recognises
 * queue-to-queue redrive, hence the acknowledgement, with `whose` as its reason.
 */
export function deadLetterQueue(scope: Construct, id: string, whose: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself ${whose}` });
  return queue;
}
