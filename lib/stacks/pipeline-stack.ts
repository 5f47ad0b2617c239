import { type CfnElement, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import type { PlatformConfig, ToolingConfig } from '../config';
import { MIN_LOG_RETENTION_DAYS } from '../config/environment-schema';
import { CANARY_JOB, canaryRoleName, canaryStepRoleName } from '../constructs/canary-access';
import { denyGrantsExceptForAwsServices } from '../constructs/key-policy';
import { LogsKey } from '../constructs/logs-key';
import { BatchPlatformStage } from '../stages/batch-platform-stage';
import { CONTROL_TOWER_CONTEXT, exemptGuardRule } from '../stages/guard';

export interface PipelineStackProps extends StackProps {
  readonly tooling: ToolingConfig;
  /** The environments to deploy, in order (from `tooling.stages`). */
  readonly stages: readonly PlatformConfig[];
}

/**
 * CDK Pipelines in the tooling account: GitHub (through a CodeStar connection) → lint, test
 * and synth → each environment's stage in order, a manual approval before every stage after
 * the first. Stages are built by the same wiring as `cdk deploy` from a laptop, so what was
 * reviewed with `cdk diff` is what deploys. The pipeline updates itself first (self-mutation).
 * After the first stage deploys, the canary job must succeed there before anything goes on.
 */
export class PipelineStack extends Stack {
  public readonly pipeline: pipelines.CodePipeline;
  public readonly stages: readonly BatchPlatformStage[];

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { tooling } = props;
    // One log group for every CodeBuild project of the pipeline (Control Tower CT.CODEBUILD.PR.3
    // wants logging stated on each project), encrypted and kept a year like every other log.
    const buildLogs = new logs.LogGroup(this, 'BuildLogs', {
      retention: MIN_LOG_RETENTION_DAYS,
      encryptionKey: LogsKey.of(this),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const source = pipelines.CodePipelineSource.connection(tooling.repository, tooling.branch, {
      connectionArn: tooling.connectionArn,
    });

    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: 'batch-platform',
      crossAccountKeys: true, // stages deploy into other accounts
      enableKeyRotation: true,
      selfMutation: true,
      // Job and worker images are Docker assets; CDK Pipelines builds them in privileged
      // CodeBuild projects of the asset stage. Synth itself needs no Docker (esbuild bundles).
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
        logging: { cloudWatch: { logGroup: buildLogs } },
        partialBuildSpec: codebuild.BuildSpec.fromObject({
          phases: { install: { 'runtime-versions': { nodejs: '20' } } },
        }),
      },
      synth: new pipelines.ShellStep('Synth', {
        input: source,
        // The Control Tower checks run on exactly the assembly this pipeline deploys.
        commands: [
          'npm ci',
          'npm run lint',
          'npm run typecheck',
          'npm test',
          `npx cdk synth -c env=tooling -c ${CONTROL_TOWER_CONTEXT}=true`,
        ],
      }),
    });

    this.stages = props.stages.map((config, index) => {
      const stage = new BatchPlatformStage(this, config.environment.name, {
        config,
        env: { account: config.environment.account, region: config.environment.region },
      });
      this.pipeline.addStage(stage, {
        pre:
          index === 0
            ? []
            : [
                new pipelines.ManualApprovalStep(`Approve-${config.environment.name}`, {
                  comment: `Deploy to ${config.environment.name}? Check the ${props.stages[index - 1]!.environment.name} deploy first.`,
                }),
              ],
        // The first stage is the rehearsal: prove a job runs end to end there before the
        // approval of the next stage is even asked for.
        post: index === 0 ? [this.canaryStep(config, source)] : [],
      });
      return stage;
    });
    this.pipeline.buildPipeline();
    this.grantConnectionUse(tooling.connectionArn);
    this.acknowledgeGeneratedPolicies();
    this.meetControlTowerControls();
  }

  /**
   * The artifact bucket, its key and the asset projects are CDK Pipelines' own; they are
   * brought in line with the Control Tower controls here, or exempted where a control does
   * not fit what they are.
   */
  private meetControlTowerControls(): void {
    const bucket = this.pipeline.pipeline.artifactBucket;
    if (!(bucket instanceof s3.Bucket) || !bucket.encryptionKey) {
      throw new Error('PipelineStack: CDK Pipelines no longer creates its own encrypted artifact bucket');
    }
    denyGrantsExceptForAwsServices(bucket.encryptionKey);
    // Artifacts are only needed while an execution can still be retried or approved (manual
    // approvals time out after 7 days): versioned, so an overwrite is recoverable, and expired.
    (bucket.node.defaultChild as s3.CfnBucket).versioningConfiguration = { status: 'Enabled' };
    bucket.addLifecycleRule({
      id: 'ExpireArtifacts',
      expiration: Duration.days(90),
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    });
    exemptGuardRule(
      bucket,
      's3_bucket_logging_enabled_check',
      'Pipeline artifact bucket (as for AwsSolutions-S1): written and read only by the pipeline roles, KMS-encrypted, TLS-only; access is audited by CloudTrail',
    );
    exemptGuardRule(
      bucket,
      's3_event_notifications_enabled_check',
      'Pipeline artifact bucket: nothing reacts to its objects; CodePipeline records each execution itself',
    );
    exemptGuardRule(
      bucket,
      's3_bucket_object_lock_enabled_check',
      'Pipeline artifact bucket: artifacts are transient and expire by the lifecycle rule; Object Lock would keep them and cannot be turned off again',
    );
    for (const project of this.pipeline.node.findAll()) {
      if (project instanceof codebuild.Project && project.node.id.startsWith('DockerAsset')) {
        exemptGuardRule(
          project,
          'codebuild_project_environment_privileged_check',
          `${project.node.id}: CDK Pipelines builds the job and worker images with docker, which needs privileged mode in CodeBuild; it builds only this repository's reviewed Dockerfiles`,
        );
      }
    }
  }

  /**
   * CodeStar Connections was renamed CodeConnections: connections created since July 2024 have
   * `codeconnections` ARNs, and an IAM action's prefix must match the resource's, so the
   * `codestar-connections:UseConnection` grant CDK writes does not let the source action use
   * such a connection. Grant the new action on the same connection as well.
   */
  private grantConnectionUse(connectionArn: string): void {
    const source = this.pipeline.pipeline.node.findChild('Source');
    const roles = source.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role);
    if (roles.length !== 1) throw new Error(`expected one source action role, found ${roles.length}`);
    roles[0]!.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [connectionArn] }),
    );
  }

  /**
   * Runs the canary job in `config`'s environment through its job runner and fails the
   * deployment unless the run SUCCEEDED. `npm run job -- run` waits by default and exits
   * non-zero on a failed, timed-out or skipped run, and when it gives up waiting: for the
   * canary's 5-minute timeout after (0 retries + 2) x 5 min + 10 min = 20 minutes. The build
   * timeout is only a backstop.
   *
   * The step runs in the tooling account; the runner is in the environment's account. The
   * step's role (fixed name, trusted by the environment's `<env>-batch-canary` role, see
   * CanaryAccess) may only assume that role. The SDK assumes it itself from a profile with
   * `credential_source = EcsContainer` (CodeBuild's credentials), so no keys pass through
   * the shell or its logs, and the region comes from config as in every job CLI command.
   */
  private canaryStep(config: PlatformConfig, source: pipelines.IFileSetProducer): pipelines.CodeBuildStep {
    const env = config.environment;
    const targetRole = `arn:${this.partition}:iam::${env.account}:role/${canaryRoleName(env.name)}`;
    // Under the pipeline construct, so the grants CDK Pipelines adds (logs, reports, artifacts)
    // fall under its acknowledgements below, as for the roles it creates itself.
    const role = new iam.Role(this.pipeline, `CanaryStepRole-${env.name}`, {
      roleName: canaryStepRoleName(env.name),
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `CodeBuild: runs the ${CANARY_JOB} job in ${env.name} after the pipeline deploys it`,
    });
    return new pipelines.CodeBuildStep(`Canary-${env.name}`, {
      input: source,
      role,
      rolePolicyStatements: [
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [targetRole] }),
      ],
      timeout: Duration.minutes(25),
      env: {
        CANARY_ROLE_ARN: targetRole,
        CANARY_REGION: env.region,
        AWS_CONFIG_FILE: '/tmp/canary-aws-config',
      },
      commands: [
        'npm ci',
        `printf '[profile canary]\\nrole_arn = %s\\ncredential_source = EcsContainer\\nrole_session_name = pipeline-canary\\nregion = %s\\n' "$CANARY_ROLE_ARN" "$CANARY_REGION" > "$AWS_CONFIG_FILE"`,
        `AWS_PROFILE=canary npm run job -- run ${CANARY_JOB} --env ${env.name}`,
      ],
    });
  }

  /**
   * CDK Pipelines writes the roles of its CodePipeline and CodeBuild projects itself. Their
   * wildcards are the standard grants of its own artifact bucket and key, its projects' log
   * and report groups, and the CDK bootstrap roles it assumes in the stage accounts; each is
   * acknowledged by its exact finding, on the pipeline construct that generates it.
   */
  private acknowledgeGeneratedPolicies(): void {
    const artifacts = (reason: string) => (id: string) => ({ id: `AwsSolutions-IAM5[${id}]`, reason });
    const bucketGrant = artifacts(
      'CDK grant on the pipeline artifact bucket (read/write/delete of its own objects) and its KMS key',
    );
    const acks = [
      ...[
        'Action::s3:List*',
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
      ].map(bucketGrant),
      ...['Action::kms:ReEncrypt*', 'Action::kms:GenerateDataKey*'].map(bucketGrant),
      bucketGrant(
        `Resource::<${this.getLogicalId(this.pipeline.pipeline.artifactBucket.node.defaultChild as CfnElement)}.Arn>/*`,
      ),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Asset publishing and self-mutation roles: ecr:GetAuthorizationToken and cloudformation:DescribeStacks support no resource-level permissions',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:*:iam::${this.account}:role/*]`,
        reason:
          'Self-mutation assumes the CDK bootstrap deploy roles (cdk-*) of the stage accounts; their names carry the qualifier and account',
      },
      ...['log-group:/aws/codebuild/*', 'report-group/*'].map((suffix) => ({
        id: `AwsSolutions-IAM5[Resource::arn:${this.partition}:${suffix.startsWith('log') ? 'logs' : 'codebuild'}:${this.region}:${this.account}:${suffix}]`,
        reason:
          'CodeBuild asset-publishing projects write their own logs and test reports; the names are generated per project',
      })),
      ...this.pipeline.node
        .findAll()
        .filter((c): c is codebuild.Project => c instanceof codebuild.Project)
        .flatMap((project) => {
          const logical = `<${this.getLogicalId(project.node.defaultChild as CfnElement)}>`;
          const reason = `${project.node.id}: CodeBuild writes to its own log group and report groups`;
          return [
            {
              id: `AwsSolutions-IAM5[Resource::arn:${this.partition}:logs:${this.region}:${this.account}:log-group:/aws/codebuild/${logical}:*]`,
              reason,
            },
            {
              id: `AwsSolutions-IAM5[Resource::arn:${this.partition}:codebuild:${this.region}:${this.account}:report-group/${logical}-*]`,
              reason,
            },
          ];
        }),
    ];
    Validations.of(this.pipeline).acknowledge(...acks);
    Validations.of(this.pipeline.pipeline.artifactBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Pipeline artifact bucket: KMS-encrypted, TLS-only, written only by the pipeline roles; access is audited by CloudTrail',
    });
  }
}
