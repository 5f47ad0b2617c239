import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { CANARY_JOB } from '../../lib/constructs/canary-access';
import { executionName } from '../../scripts/job/run';
import { jobRunnerDefinition } from '../job-runner/definition';
import { synthesized } from '../support/synth';
import { FIXTURE_CONFIG } from '../fixtures/config';

describe('JobRunner stack', () => {
  const template = () => synthesized('sandbox').templates['JobRunner']!;

  it('runs one standard state machine with full logging and tracing', () => {
    template().resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template().hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'sandbox-job-runner',
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('keeps job specifics out of the definition, so it does not grow with jobs', () => {
    const definition = JSON.stringify(jobRunnerDefinition('sandbox', { forInterpreter: false }));
    for (const job of loadConfig('sandbox', FIXTURE_CONFIG).schedules)
      expect(definition).not.toContain(job.name);
    expect(definition).toContain('"TaskDefinition.$":"$.job.taskFamily"');
    expect(definition).toContain('"TimeoutSecondsPath":"$.job.timeoutSeconds"');
    expect(definition).toContain('"CapacityProvider":"FARGATE_SPOT"');
    expect(definition).toContain('"AssignPublicIp":"DISABLED"');
  });

  it('keeps leases and run records in an encrypted table with point-in-time recovery and TTL', () => {
    template().hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'sandbox-batch-jobs',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('lets the runner start only this environment’s job families, on its cluster', () => {
    const policies = JSON.stringify(template().findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':task-definition/sandbox-job-*:*');
    expect(policies).toContain('"ecs:cluster"');
    expect(policies).toMatch(/"iam:PassedToService":"ecs-tasks.amazonaws.com"/);
  });

  it('runs jobs in a cluster of their own, apart from the workers', () => {
    const platform = synthesized('sandbox').templates['Platform']!;
    platform.resourceCountIs('AWS::ECS::Cluster', 2);
    platform.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'sandbox-jobs' });
    platform.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'sandbox-workers' });
    const policies = JSON.stringify(template().findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':task/sandbox-jobs/*');
    expect(policies).not.toContain('sandbox-workers');
  });

  it('retains data in production only', () => {
    synthesized('production').templates['JobRunner']!.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    template().hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('alarms when Scheduler cannot deliver a start, a runner function fails, or a run is not recorded', () => {
    // DLQ + lease, recorder and tasks functions' errors + RunNotRecorded + executions
    // failed without a job outcome, timed out, throttled
    template().resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RunNotRecorded',
      Namespace: 'BatchPlatform/Jobs',
      Dimensions: [{ Name: 'Environment', Value: 'sandbox' }],
    });
  });

  it("alarms on failed executions only when no job outcome explains them (a job's failure is told to its channel)", () => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: 'MAX([0, FILL(executions, 0) - FILL(failed, 0) - FILL(timedOut, 0)])',
        }),
        Match.objectLike({
          Id: 'executions',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed' }) }),
        }),
        Match.objectLike({
          Id: 'failed',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'Failed', Namespace: 'BatchPlatform/Jobs' }),
          }),
        }),
      ]),
    });
    for (const metric of ['ExecutionsTimedOut', 'ExecutionThrottled']) {
      template().hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/States',
      });
    }
  });

  it('guards redrives: a redriven execution is sent to the lease Lambda before it may go on', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: Match.objectLike({ status: ['RUNNING'], redriveCount: [{ numeric: ['>', 0] }] }),
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RunnerLeaseFunction'), 'Arn'] } }),
      ],
    });
  });

  it('gives each runner function only the DynamoDB actions it calls', () => {
    const statements = Object.entries(template().findResources('AWS::IAM::Policy')).map(([id, p]) => [
      id,
      JSON.stringify(p).match(/dynamodb:[A-Za-z]+/g) ?? [],
    ]);
    const actions = (fn: string) =>
      statements.filter(([id]) => String(id).includes(fn)).flatMap(([, a]) => a);
    expect([...actions('Lease')].sort()).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem']);
    expect([...actions('Recorder')].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(actions('TasksFunction')).toEqual([]);
  });
});

describe('Jobs stacks', () => {
  const sandbox = () => synthesized('sandbox');
  const jobs = () => loadConfig('sandbox', FIXTURE_CONFIG).schedules;

  it('hold one schedule and one task definition per job and nothing else per job', () => {
    const { templates } = sandbox();
    const jobStacks = Object.keys(templates).filter((k) => k.startsWith('Jobs'));
    expect(jobStacks).toEqual(['Jobs0']);
    const t = templates['Jobs0']!;
    t.resourceCountIs('AWS::Scheduler::Schedule', jobs().length);
    t.resourceCountIs('AWS::ECS::TaskDefinition', jobs().length);
    t.resourceCountIs('AWS::IAM::Role', 3); // execution, task and scheduler roles, shared
  });

  it('schedules each job in its own time zone, with retries and a DLQ, and the scheduled time as its slot', () => {
    const t = sandbox().templates['Jobs0']!;
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'sandbox-nightly-sales-report-0',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
        Input: Match.stringLikeRegexp('"slot":"<aws.scheduler.scheduled-time>"'),
      }),
    });
  });

  it('keeps a disabled job’s schedule, switched off', () => {
    sandbox().templates['Jobs0']!.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'sandbox-legacy-ftp-import-0',
      State: 'DISABLED',
    });
    synthesized('staging').templates['Jobs0']!.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'staging-weekly-backup-verify-0',
      State: 'DISABLED',
    });
  });

  it('runs containers as non-root on a read-only root filesystem with a 120 s stop timeout', () => {
    sandbox().templates['Jobs0']!.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'sandbox-job-nightly-sales-report',
      Cpu: '1024',
      Memory: '2048',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'job',
          User: '1000',
          ReadonlyRootFilesystem: true,
          StopTimeout: 120,
          Command: ['node', 'main.js', 'sales-report'],
          LogConfiguration: Match.objectLike({
            LogDriver: 'awslogs',
            Options: Match.objectLike({ 'awslogs-stream-prefix': 'nightly-sales-report' }),
          }),
          Secrets: [{ Name: 'SLACK_WEBHOOK_URL', ValueFrom: Match.anyValue() }],
        }),
      ],
    });
  });

  it('passes secrets by reference: no secret value appears in any template', () => {
    const all = JSON.stringify(Object.values(sandbox().templates).map((t) => t.toJSON()));
    expect(all).not.toMatch(/PARTNER_API_KEY"?,"Value"/);
    expect(all).toContain('/batch/billing/api-token');
    expect(all).toContain('secret:batch/slack-webhooks:sales::');
  });
});

const STAGING = '222222222222';
const TOOLING = loadConfig('staging', FIXTURE_CONFIG).tooling.account;

// staging is synthesized for this file already (Jobs0 above): no extra synth.
describe('canary access (JobRunner stack)', () => {
  const template = () => synthesized('staging').templates['JobRunner']!;
  const canaryPolicy = () => {
    const [role] = Object.keys(
      template().findResources('AWS::IAM::Role', { Properties: { RoleName: 'staging-batch-canary' } }),
    );
    const policies = Object.values(
      template().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }),
    ) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
    expect(policies).toHaveLength(1);
    return policies[0]!.Properties.PolicyDocument.Statement;
  };

  it('is a role only the pipeline’s canary step in the tooling account may assume', () => {
    template().hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'staging-batch-canary',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${TOOLING}:root` },
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${TOOLING}:role/batch-platform-canary-staging` },
            },
          },
        ],
      },
    });
  });

  it('may do exactly what `npm run job -- run canary` calls, and nothing else', () => {
    const statements = canaryPolicy();
    expect(statements.map((s) => s['Action'])).toEqual([
      'states:StartExecution',
      'states:DescribeExecution',
      'dynamodb:Query',
    ]);
    expect((statements[0]!['Resource'] as { Ref?: string }).Ref).toMatch(/^RunnerStateMachine/);
    expect(statements.every((s) => s['Effect'] === 'Allow')).toBe(true);
  });

  it('describes only manual canary executions, under the name the job CLI gives them', () => {
    const resource = canaryPolicy()[1]!['Resource'] as string;
    expect(resource).toBe(
      `arn:aws:states:ap-northeast-1:${STAGING}:execution:staging-job-runner:manual-${CANARY_JOB}-*`,
    );
    const name = executionName(
      CANARY_JOB,
      new Date('2026-11-22T00:00:00Z'),
      '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    );
    const pattern = new RegExp(`^${resource.replace(/[.]/g, '\\.').replace('*', '.*')}$`);
    expect(`arn:aws:states:ap-northeast-1:${STAGING}:execution:staging-job-runner:${name}`).toMatch(pattern);
    const other = executionName('nightly-sales-report', new Date(), 'x');
    expect(`arn:aws:states:ap-northeast-1:${STAGING}:execution:staging-job-runner:${other}`).not.toMatch(
      pattern,
    );
  });

  it('reads only the canary’s run records, the key the CLI queries', () => {
    expect(canaryPolicy()[2]).toMatchObject({
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^RunnerRuns/), 'Arn'] },
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`RUN#${CANARY_JOB}`] } },
    });
  });

  it('runs a canary job that exists, is enabled and uses the smallest Fargate size', () => {
    const job = loadConfig('staging', FIXTURE_CONFIG).schedules.find((j) => j.name === CANARY_JOB);
    expect(job).toMatchObject({
      enabled: true,
      cpu: 256,
      memory: 512,
      owner: 'platform',
      concurrency: 'allow',
    });
    expect(job!.timeoutSeconds).toBeLessThanOrEqual(300);
  });
});
