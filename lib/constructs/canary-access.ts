import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { jobNames } from '../schedule/naming';
import { nagWildcard } from '../stages/nag';

/** The job the pipeline runs after deploying its first stage (config/schedules.ts). */
export const CANARY_JOB = 'canary';

/** The role in each environment that the pipeline's canary step assumes. */
export const canaryRoleName = (environment: string) => `${environment}-batch-canary`;

/**
 * The role of the pipeline's canary step in the tooling account. Its name is fixed so the
 * environment's role can trust exactly it, not every principal of the tooling account.
 */
export const canaryStepRoleName = (environment: string) => `batch-platform-canary-${environment}`;

export interface CanaryAccessProps {
  readonly environment: string;
  /** The account of the delivery pipeline (config `tooling.account`). */
  readonly toolingAccount: string;
  readonly stateMachine: sfn.IStateMachine;
  /** The run records table, read for a failed run's reason. */
  readonly table: dynamodb.ITable;
}

/**
 * What the pipeline's post-deploy canary may do in this environment, as one role: exactly
 * what `npm run job -- run canary --env <env>` calls. StartExecution on the runner (IAM
 * cannot look inside the input, so this is the runner's own scope: jobs of this environment
 * only), DescribeExecution on manual canary executions, and a Query of the canary's run
 * records, which the CLI reads to explain a failed run.
 */
export class CanaryAccess extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CanaryAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const stepRole = stack.formatArn({
      service: 'iam',
      region: '',
      account: props.toolingAccount,
      resource: 'role',
      resourceName: canaryStepRoleName(props.environment),
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: canaryRoleName(props.environment),
      description: `batch-platform ${props.environment}: the pipeline's canary step starts the ${CANARY_JOB} job and reads its outcome`,
      // The account principal alone would let any tooling principal with sts:AssumeRole in;
      // the condition admits only the canary step's CodeBuild role.
      assumedBy: new iam.AccountPrincipal(props.toolingAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': stepRole },
      }),
      maxSessionDuration: Duration.hours(1), // the step gives up after 25 minutes
    });

    // Execution names of manual runs are `manual-<job>-<time>-<id>` (scripts/job/run.ts).
    const canaryExecutions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${jobNames(props.environment).stateMachine}:manual-${CANARY_JOB}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [props.stateMachine.stateMachineArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [canaryExecutions] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [props.table.tableArn],
        // Run records have pk `RUN#<job>`: the canary's own, not other jobs' or the leases.
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`RUN#${CANARY_JOB}`] } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: nagWildcard(this, canaryExecutions),
      reason:
        'Execution names are generated per run; the prefix manual-canary- limits DescribeExecution to manual runs of the canary job',
    });
  }
}
