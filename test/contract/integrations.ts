/**
 * What Step Functions accepts for each service integration the job runner uses, built from
 * AWS's documentation (source named per entry). The interpreter the scenarios run in accepts
 * any parameter; Step Functions rejects undocumented ones at CreateStateMachine or overwrites
 * them (runTask.sync's startedBy), so the definition and the scenario fakes are checked here.
 */
export interface Integration {
  /** Top-level parameters the integration passes on; anything else is a contract violation. */
  readonly allowed: readonly string[];
  readonly required: readonly string[];
  /** Further rules, each returning a problem or undefined. */
  readonly rules?: readonly ((parameters: Record<string, unknown>) => string | undefined)[];
  readonly source: string;
}

const ECS_RUN_TASK: Integration = {
  allowed: [
    'Cluster',
    'Group',
    'LaunchType',
    'NetworkConfiguration',
    'Overrides',
    'PlacementConstraints',
    'PlacementStrategy',
    'PlatformVersion',
    'PropagateTags',
    'TaskDefinition',
    'EnableExecuteCommand',
    'CapacityProviderStrategy',
  ],
  required: ['TaskDefinition'],
  rules: [
    (p) =>
      p['LaunchType'] !== undefined && p['CapacityProviderStrategy'] !== undefined
        ? 'LaunchType and CapacityProviderStrategy cannot be combined (ECS RunTask)'
        : undefined,
    (p) => {
      const overrides = (p['Overrides'] as { ContainerOverrides?: Record<string, unknown>[] } | undefined)
        ?.ContainerOverrides;
      const bad = (overrides ?? []).flatMap((o) =>
        Object.keys(o).filter((k) => /^(executionRoleArn|taskRoleArn)/i.test(k)),
      );
      return bad.length
        ? `Overrides may not set ${bad.join(', ')} (Step Functions does not support them)`
        : undefined;
    },
  ],
  source:
    'docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html (supported RunTask parameters; .sync fails ' +
    'with AmazonECS.Unknown on a non-empty Failures; Overrides without executionRoleArn/taskRoleArn) and the ' +
    'parameters aws-cdk-lib EcsRunTask renders (aws-stepfunctions-tasks/lib/ecs/run-task). StartedBy is set by ' +
    'Step Functions itself and is not accepted.',
};

export const INTEGRATIONS: Record<string, Integration> = {
  'arn:aws:states:::ecs:runTask.sync': ECS_RUN_TASK,
  'arn:aws:states:::events:putEvents': {
    allowed: ['Entries'],
    required: ['Entries'],
    rules: [
      (p) => {
        const entries = p['Entries'];
        if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10)
          return 'Entries must be 1 to 10 entries';
        const fields = ['Detail', 'DetailType', 'EventBusName', 'Resources', 'Source', 'Time', 'TraceHeader'];
        const unknown = entries.flatMap((e: Record<string, unknown>) =>
          Object.keys(e)
            .map((k) => k.replace(/\.\$$/, ''))
            .filter((k) => !fields.includes(k)),
        );
        return unknown.length ? `unsupported entry fields: ${unknown.join(', ')}` : undefined;
      },
    ],
    source:
      'docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html; EventBridge PutEvents API',
  },
  'arn:aws:states:::dynamodb:deleteItem': {
    allowed: [
      'TableName',
      'Key',
      'ConditionExpression',
      'ExpressionAttributeNames',
      'ExpressionAttributeValues',
      'ReturnConsumedCapacity',
      'ReturnItemCollectionMetrics',
      'ReturnValues',
      'ReturnValuesOnConditionCheckFailure',
    ],
    required: ['TableName', 'Key'],
    source: 'docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html; DynamoDB DeleteItem API',
  },
  'arn:aws:states:::aws-sdk:sfn:stopExecution': {
    allowed: ['ExecutionArn', 'Cause', 'Error'],
    required: ['ExecutionArn'],
    source:
      'AWS SDK integration: the Step Functions StopExecution API (docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html)',
  },
};

/** A Lambda function ARN as the Resource: the payload is the function's own business. */
const LAMBDA_FUNCTION = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/;

/** The integration a Task state's Resource names, or undefined if none is known. */
export function integrationOf(resource: string): Integration | 'lambda' | undefined {
  if (LAMBDA_FUNCTION.test(resource)) return 'lambda';
  return INTEGRATIONS[resource];
}

/** Problems with the parameters a Task state (or a fake at run time) passes to `resource`. */
export function parameterProblems(resource: string, parameters: Record<string, unknown>): string[] {
  const integration = integrationOf(resource);
  if (integration === 'lambda') return [];
  if (!integration) return [`${resource}: no documented integration in the contract table`];
  const given = Object.keys(parameters).map((k) => k.replace(/\.\$$/, ''));
  return [
    ...given
      .filter((k) => !integration.allowed.includes(k))
      .map((k) => `${resource}: ${k} is not a supported parameter`),
    ...integration.required.filter((k) => !given.includes(k)).map((k) => `${resource}: ${k} is required`),
    ...(integration.rules ?? [])
      .map((rule) => rule(parameters))
      .filter((p): p is string => p !== undefined)
      .map((p) => `${resource}: ${p}`),
  ];
}
