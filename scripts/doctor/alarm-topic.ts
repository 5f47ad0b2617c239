import { ListSubscriptionsByTopicCommand, type SNSClient, type Subscription } from '@aws-sdk/client-sns';
import type { EnvironmentConfig } from '../../lib/config';
import { awsErrorName, blocker, couldNotCheck, ok, warning, type Finding } from './findings';

/** The topic PlatformStack creates; every alarm of the environment publishes to it. */
export const alarmTopicName = (env: string) => `${env}-batch-alarms`;

export const alarmTopicArn = (env: EnvironmentConfig) =>
  `arn:aws:sns:${env.region}:${env.account}:${alarmTopicName(env.name)}`;

/**
 * An alarm nobody receives is no alarm: the topic needs a confirmed subscription. SNS marks
 * an unconfirmed one with the SubscriptionArn "PendingConfirmation" (email and HTTPS
 * endpoints must confirm; the link in the email expires after 3 days).
 */
export async function checkAlarmTopic(env: EnvironmentConfig, sns: SNSClient): Promise<Finding[]> {
  const name = alarmTopicName(env.name);
  const subscriptions: Subscription[] = [];
  try {
    let next: string | undefined;
    do {
      const page = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: alarmTopicArn(env), NextToken: next }),
      );
      subscriptions.push(...(page.Subscriptions ?? []));
      next = page.NextToken;
    } while (next);
  } catch (error) {
    if (awsErrorName(error) === 'NotFoundException') {
      return [
        warning(
          `alarm topic ${name} does not exist yet (${env.name}-Platform not deployed)`,
          `after the first deploy, subscribe the on-call address or chat integration to ${name} and confirm it, then run the doctor again`,
        ),
      ];
    }
    return [couldNotCheck(`alarm topic ${name}`, error, 'sns:ListSubscriptionsByTopic')];
  }

  const pending = subscriptions.filter((s) => s.SubscriptionArn === 'PendingConfirmation');
  const confirmed = subscriptions.filter(
    (s) => s.SubscriptionArn !== undefined && s.SubscriptionArn.startsWith('arn:'),
  );
  const findings: Finding[] = [];
  if (confirmed.length === 0) {
    findings.push(
      blocker(
        `alarm topic ${name} has no confirmed subscription: alarms reach nobody`,
        `aws sns subscribe --topic-arn ${alarmTopicArn(env)} --protocol email --notification-endpoint <on-call address>, then confirm the email`,
      ),
    );
  } else {
    findings.push(
      ok(`alarm topic ${name} has ${confirmed.length} confirmed subscription(s): ${describe(confirmed)}`),
    );
  }
  if (pending.length > 0) {
    findings.push(
      warning(
        `alarm topic ${name} has ${pending.length} subscription(s) pending confirmation: ${describe(pending)}`,
        'confirm them from the message SNS sent (the link expires after 3 days), or subscribe again',
      ),
    );
  }
  return findings;
}

/**
 * Protocols, plus the address of email subscriptions (so the operator knows whose inbox to
 * look in). Other endpoints are left out: an HTTPS endpoint can carry a token in its URL.
 */
function describe(subscriptions: readonly Subscription[]): string {
  return subscriptions
    .map((s) =>
      s.Protocol?.startsWith('email') && s.Endpoint ? `${s.Protocol} ${s.Endpoint}` : (s.Protocol ?? '?'),
    )
    .join(', ');
}
