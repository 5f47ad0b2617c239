import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { jobNames } from '../../schedule/naming';
import { nagWildcard } from '../../stages/nag';
import { LogsKey } from '../logs-key';
import { NodeFunction } from '../node-function';
import { jobRunnerDefinition } from './definition';

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
    const lease = new NodeFunction(this, 'Lease', {
      ...common,
      entry: 'job-lease',
      description: 'Race-free duplicate-run check: per-slot claim and per-job lease in DynamoDB',
      environment: { TABLE_NAME: this.table.tableName },
    });
    this.table.grantReadWriteData(lease.role);
    lease.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [this.executionArns(names.stateMachine)],
      }),
    );
    Validations.of(lease.role).acknowledge({
      id: nagWildcard(this, this.executionArns(names.stateMachine)),
      reason:
        'A lease holder is any execution of this state machine; DescribeExecution checks whether it still runs',
    });
    const recorder = new NodeFunction(this, 'Recorder', {
      ...common,
      entry: 'job-recorder',
      description: 'Writes each job run record and shapes its outcome event',
      environment: {
        TABLE_NAME: this.table.tableName,
        ENVIRONMENT: props.environment,
        LOG_GROUP: names.logGroup,
      },
    });
    this.table.grantWriteData(recorder.role);

    const runnerLogs = new logs.LogGroup(this, 'RunnerLogs', {
      logGroupName: `/aws/vendedlogs/states/${names.stateMachine}`,
      retention: props.logRetention,
      encryptionKey: LogsKey.of(this),
      removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: names.stateMachine,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Runs one batch-platform job: lease, run on Fargate Spot, wait, record, notify',
      definitionBody: sfn.DefinitionBody.fromChainable(
        jobRunnerDefinition(this, {
          stateMachineName: names.stateMachine,
          leaseFunction: lease.function,
          recorderFunction: recorder.function,
          table: this.table,
          eventBus: this.eventBus,
          cluster: props.cluster,
          clusterName: names.cluster,
          subnets: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets,
          securityGroup: this.taskSecurityGroup,
        }),
      ),
      logs: { destination: runnerLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    this.grantRunTasks(props, [lease, recorder]);
    this.addAlarms(props.alarmTopic, [lease, recorder]);
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
    const clusterTasks = stack.formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${names.cluster}/*`,
    });
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
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ecs:StopTask', 'ecs:DescribeTasks'], resources: [clusterTasks] }),
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
        reason: 'Task ids are random; StopTask/DescribeTasks are limited to tasks of this cluster',
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
        reason:
          'ecs:ListTasks, X-Ray and CloudWatch Logs delivery actions do not support resource-level permissions',
      },
    );
  }

  private addAlarms(topic: sns.ITopic, functions: NodeFunction[]): void {
    const action = new cwActions.SnsAction(topic);
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
}
