import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { jobNames } from '../../schedule/naming';
import { nagWildcard } from '../../stages/nag';
import { LogsKey } from '../logs-key';
import { NodeFunction } from '../node-function';
import { containerRunStep } from './container-step';
import { runnerFrame } from './frame';

export interface JobRunnerProps {
  /** Environment name; prefixes every physical name. */
  readonly environment: string;
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /**
   * Keep the run table and logs when the stack is deleted.
   * @default false
   */
  readonly retainData?: boolean;
}

/**
 * The Step Functions workflow every scheduled and manual job run goes through, with the
 * lease/run-record table, the event bus its outcomes go to and the log group jobs write to.
 * Jobs themselves (schedules, task definitions) live in the job stacks and only reference
 * this by name, so adding a job never changes this construct.
 */
export class JobRunner extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly table: dynamodb.Table;
  public readonly eventBus: events.EventBus;
  /** Every job's container logs, one stream prefix per job. */
  public readonly jobLogGroup: logs.LogGroup;
  /** The security group job tasks run in: egress only. */
  public readonly taskSecurityGroup: ec2.SecurityGroup;
  /** The runner's Lambdas (lease, recorder, tasks), for the dashboard. */
  public readonly functions: lambda.IFunction[];

  constructor(scope: Construct, id: string, props: JobRunnerProps) {
    super(scope, id);
    const names = jobNames(props.environment);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new dynamodb.Table(this, 'Runs', {
      tableName: names.table,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      deletionProtection: props.retainData ?? false,
      removalPolicy,
    });
    this.eventBus = new events.EventBus(this, 'Events', {
      eventBusName: names.eventBus,
      description:
        'Outcomes of batch-platform job runs: JobSucceeded, JobFailed, JobTimedOut, JobSkipped, JobFellBackToOnDemand',
    });
    this.jobLogGroup = new logs.LogGroup(this, 'JobLogs', {
      logGroupName: names.logGroup,
      retention: props.logRetention,
      encryptionKey: LogsKey.of(this),
      removalPolicy,
    });
    this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Scheduled job tasks: no inbound, outbound through the NAT gateway',
      allowAllOutbound: true,
    });

    const common = { vpc: props.vpc, logRetention: props.logRetention, removalPolicy };
    const executions = this.executionArns(names.stateMachine);
    const lease = new NodeFunction(this, 'Lease', {
      ...common,
      entry: 'job-lease',
      description: 'Checks a run start, then claims its slot and the job lease in one DynamoDB transaction',
      environment: { TABLE_NAME: this.table.tableName },
    });
    // PutItem for the slot claim and the lease, ConditionCheckItem for an operator's pause,
    // all in one TransactWriteItems (which needs no permission of its own).
    this.table.grant(lease.role, 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem');
    lease.role.addToPolicy(
      new iam.PolicyStatement({
        // Describe: is the holder alive? Stop: refuse a redrive that would run beside the holder.
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [executions],
      }),
    );
    const recorder = new NodeFunction(this, 'Recorder', {
      ...common,
      entry: 'job-recorder',
      description: 'Ends each job run: writes its record, releases the lease, publishes Job<Status>',
      environment: {
        TABLE_NAME: this.table.tableName,
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        ENVIRONMENT: props.environment,
      },
    });
    this.table.grant(recorder.role, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    this.eventBus.grantPutEventsTo(recorder.role);
    const jobTasks = new NodeFunction(this, 'Tasks', {
      ...common,
      entry: 'job-tasks',
      description: "Stops a job run's ECS tasks (found in its execution history) and waits until they stop",
      // A Fargate task may take its 120 s stop timeout before it is STOPPED.
      timeout: Duration.minutes(3),
      environment: { CLUSTER_ARN: props.cluster.clusterArn },
    });
    jobTasks.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:GetExecutionHistory'], resources: [executions] }),
    );
    jobTasks.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
        resources: [this.clusterTasks(props)],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
    );
    for (const fn of [lease, jobTasks]) {
      Validations.of(fn.role).acknowledge({
        id: nagWildcard(this, executions),
        reason:
          'Any execution of this state machine may hold a lease or have tasks to stop; the name is only known at run time',
      });
    }
    Validations.of(jobTasks.role).acknowledge({
      id: nagWildcard(this, this.clusterTasks(props)),
      reason: 'Task ids are random; DescribeTasks/StopTask are limited to tasks of the jobs cluster',
    });

    const runnerLogs = new logs.LogGroup(this, 'RunnerLogs', {
      logGroupName: `/aws/vendedlogs/states/${names.stateMachine}`,
      retention: props.logRetention,
      encryptionKey: LogsKey.of(this),
      removalPolicy,
    });
    const subnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: names.stateMachine,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Runs one batch-platform job: check and claim, run the work, record, publish, release',
      definitionBody: sfn.DefinitionBody.fromChainable(
        runnerFrame(this, {
          stateMachineName: names.stateMachine,
          leaseFunction: lease.function,
          recorderFunction: recorder.function,
          table: this.table,
          eventBus: this.eventBus,
          runSteps: [
            (outcomes) =>
              containerRunStep(
                this,
                {
                  cluster: props.cluster,
                  subnets,
                  securityGroup: this.taskSecurityGroup,
                  eventBus: this.eventBus,
                  tasksFunction: jobTasks.function,
                },
                outcomes,
              ),
          ],
        }),
      ),
      logs: { destination: runnerLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    this.functions = [lease.function, recorder.function, jobTasks.function];
    this.guardRedrives(lease);
    this.grantRunTasks(props, [lease, recorder, jobTasks]);
    this.addAlarms(props.alarmTopic, props.environment, [lease, recorder, jobTasks]);
  }

  /**
   * A redrive resumes an execution where it stopped — perhaps inside its run step — with no
   * lease check in between. Step Functions announces it (status RUNNING, redriveCount > 0);
   * the lease Lambda then re-acquires the lease for it or stops it (see lambda/job-lease).
   */
  private guardRedrives(lease: NodeFunction): void {
    new events.Rule(this, 'RedriveGuard', {
      description: 'Redriven job runs must hold the lease again before they go on',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [this.stateMachine.stateMachineArn],
          status: ['RUNNING'],
          redriveCount: [{ numeric: ['>', 0] }],
        },
      },
      targets: [new eventTargets.LambdaFunction(lease.function, { retryAttempts: 3 })],
    });
  }

  private clusterTasks(props: JobRunnerProps): string {
    return Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${jobNames(props.environment).cluster}/*`,
    });
  }

  /** Execution ARNs of this runner; ARN shape `...:execution:<state machine>:<name>`. */
  private executionArns(stateMachineName: string): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /**
   * RunTask is a CustomState (its task definition comes from the input), so CDK does not
   * derive its policy: grant it here, scoped to this environment's job families and roles.
   */
  private grantRunTasks(props: JobRunnerProps, functions: NodeFunction[]): void {
    const stack = Stack.of(this);
    const names = jobNames(props.environment);
    const role = this.stateMachine.role;
    const jobFamilies = stack.formatArn({
      service: 'ecs',
      resource: 'task-definition',
      resourceName: `${names.taskFamily('*')}:*`,
    });
    const clusterTasks = this.clusterTasks(props);
    const jobRoles = stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `${props.environment}-job-*`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [jobFamilies],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
    );
    // Task definitions carry the platform's tags and RunTask propagates them: ECS then
    // authorizes ecs:TagResource on the new task too, only as part of RunTask.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:TagResource'],
        resources: [clusterTasks],
        conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      }),
    );
    // runTask.sync watches the task (DescribeTasks) and stops it if the state is stopped.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:StopTask', 'ecs:DescribeTasks'],
        resources: [clusterTasks],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
    );
    // runTask.sync learns that a task stopped through this managed EventBridge rule.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [
          stack.formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: 'StepFunctionsGetEventsForECSTaskRule',
          }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [jobRoles],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    Validations.of(role).acknowledge(
      {
        id: nagWildcard(this, jobFamilies),
        reason: `Jobs are added in config without changing the runner; the wildcard is limited to this environment's job families (${names.taskFamily('*')}) and to this cluster by condition`,
      },
      {
        id: nagWildcard(this, clusterTasks),
        reason:
          'Task ids are random; TagResource (at RunTask only), StopTask and DescribeTasks are limited to tasks of the jobs cluster',
      },
      {
        id: nagWildcard(this, this.executionArns(names.stateMachine)),
        reason:
          'concurrency "replace" stops the previous execution of this state machine; its name is only known at run time',
      },
      {
        id: nagWildcard(this, jobRoles),
        reason: `Only roles named ${props.environment}-job-* (the job task and execution roles) may be passed, and only to ECS tasks`,
      },
      ...functions.map((fn) => ({
        id: nagWildcard(this, `${fn.function.functionArn}:*`),
        reason:
          "LambdaInvoke grants invoke on the function and its versions (ARN:*); the function is this runner's own",
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray and CloudWatch Logs delivery actions do not support resource-level permissions',
      },
    );
  }

  private addAlarms(topic: sns.ITopic, environment: string, functions: NodeFunction[]): void {
    const action = new cwActions.SnsAction(topic);
    // The recorder publishes the outcome even when it cannot write the record; this says so.
    new cloudwatch.Metric({
      namespace: 'BatchPlatform/Jobs',
      metricName: 'RunNotRecorded',
      dimensionsMap: { Environment: environment },
      statistic: 'Sum',
      period: Duration.minutes(5),
    })
      .createAlarm(this, 'RunNotRecordedAlarm', {
        alarmDescription: `${environment}: a job run ended but its run record could not be written (the outcome event was still published); see the job-recorder logs for "run not recorded"`,
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(action);
    this.addExecutionAlarms(action, environment);
    for (const fn of functions) {
      fn.function
        .metricErrors({ period: Duration.minutes(5) })
        .createAlarm(fn, 'Errors', {
          alarmDescription: `${fn.function.node.path}: the job runner's ${fn.node.id} function failed; runs may not be recorded`,
          threshold: 1,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(action);
    }
  }

  /**
   * The runner's own executions. A failed job fails its execution too (JobFailed, JobTimedOut
   * are Fail states) and is already told to its channel, so `ExecutionsFailed` alarms only on
   * failures no job outcome explains: executions failed minus the Failed and TimedOut runs
   * the recorder counted (per 15 minutes; both land in the same period, the recorder runs
   * a moment before the Fail state).
   */
  private addExecutionAlarms(action: cwActions.SnsAction, environment: string): void {
    const period = Duration.minutes(15);
    const jobs = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'BatchPlatform/Jobs',
        metricName,
        dimensionsMap: { Environment: environment },
        statistic: 'Sum',
        period,
      });
    const unexplained = new cloudwatch.MathExpression({
      expression: 'MAX([0, FILL(executions, 0) - FILL(failed, 0) - FILL(timedOut, 0)])',
      usingMetrics: {
        executions: this.stateMachine.metricFailed({ period, statistic: 'Sum' }),
        failed: jobs('Failed'),
        timedOut: jobs('TimedOut'),
      },
      label: 'Executions failed without a job outcome',
      period,
    });
    const alarms: [string, cloudwatch.Metric | cloudwatch.MathExpression, string][] = [
      [
        'ExecutionsFailedAlarm',
        unexplained,
        `${environment}: job runner executions failed without a job outcome (a start the runner refused, JobNotStarted, or a fault in the runner). Open the failed executions of ${this.stateMachine.node.path} in the Step Functions console; the failing state and its error say which.`,
      ],
      [
        'ExecutionsTimedOutAlarm',
        this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${environment}: a job runner execution hit the state machine's own time limit, so its job's outcome was never recorded or published. Check the execution's last state, then the job with npm run job -- status <job>.`,
      ],
      [
        'ExecutionsThrottledAlarm',
        this.stateMachine.metricThrottled({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${environment}: Step Functions throttled the job runner (StartExecution or state transitions). Runs start late or, past Scheduler's retries, land in the undelivered-starts queue. Spread crowded cron minutes (npm run schedules) or ask AWS for a higher quota.`,
      ],
    ];
    for (const [id, metric, description] of alarms) {
      metric
        .createAlarm(this, id, {
          alarmDescription: description,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(action);
    }
  }
}
