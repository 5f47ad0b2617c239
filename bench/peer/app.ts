#!/usr/bin/env node
/**
 * The peer baseline of `npm run bench`: the same generated jobs as bench/app.ts, written the
 * way the aws-ecs-patterns docs suggest, one `ScheduledFargateTask` (EventBridge rule → ECS
 * RunTask) per job, in one stack with a VPC and a cluster. Same cron, command, environment,
 * secrets and size per job; the image is built from the same folder, once for all jobs.
 * `-c bench:nag=true` adds cdk-nag AwsSolutions, as a peer that checks its stacks would.
 *
 *   npx cdk synth -q -a 'node --import tsx bench/peer/app.ts' -c bench:jobs=30 [-c bench:nag=true]
 */
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { benchJobCount, generatedJobs, NAG_CONTEXT } from '../generated-jobs';

const ZONES = ['ap-northeast-1a', 'ap-northeast-1c'];

/** Explicit availability zones, as ours: no lookup, so synth needs no AWS credentials. */
class PeerStack extends Stack {
  override get availabilityZones(): string[] {
    return ZONES;
  }
}

const app = new App();
const stack = new PeerStack(app, 'Peer', { env: { account: '111111111111', region: 'ap-northeast-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ZONES, natGateways: 1 });
const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
const image = ecs.ContainerImage.fromAsset(path.join(__dirname, '..', '..', 'containers', 'batch-job'), {
  platform: Platform.LINUX_AMD64,
});

for (const job of generatedJobs(benchJobCount(app))) {
  const secrets: Record<string, ecs.Secret> = {};
  for (const [variable, ref] of Object.entries(job.secrets ?? {})) {
    if (!('secretsManager' in ref)) continue; // the generated jobs use Secrets Manager only
    const secret = secretsmanager.Secret.fromSecretNameV2(
      stack,
      `${job.name}-${variable}`,
      ref.secretsManager,
    );
    secrets[variable] = ecs.Secret.fromSecretsManager(secret, ref.field);
  }
  new ecsPatterns.ScheduledFargateTask(stack, job.name, {
    cluster,
    schedule: appscaling.Schedule.expression(`cron(${job.cron})`),
    scheduledFargateTaskImageOptions: {
      image,
      command: job.command,
      environment: job.environment,
      secrets,
      cpu: job.cpu ?? 256,
      memoryLimitMiB: job.memory ?? 512,
    },
  });
}

/**
 * What cdk-nag AwsSolutions finds in the peer. A peer that adopts cdk-nag acknowledges them
 * (or synth fails), so the peer does too, for the whole stack.
 */
const PEER_FINDINGS = [
  'AwsSolutions-VPC7', // no VPC flow log
  'AwsSolutions-ECS4', // no Container Insights
  'AwsSolutions-ECS2', // environment variables in the task definitions
  'AwsSolutions-IAM5[Resource::*]', // the task execution role's ecr:GetAuthorizationToken
  'AwsSolutions-IAM5[Resource::arn:aws:ecs:ap-northeast-1:*:task/<ClusterEB0386A7>/*]', // the rules' role
];

if (String(app.node.tryGetContext(NAG_CONTEXT)) === 'true') {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  for (const finding of PEER_FINDINGS) {
    Validations.of(stack).acknowledge({
      id: `AwsSolutions::${finding}`,
      reason: 'peer baseline of npm run bench',
    });
  }
}
