import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { IamWorld, PolicyDocument } from './policies';

/**
 * One AWS call evaluated by @cloud-copilot/iam-simulate against the synthesized policies.
 *
 * - `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`: the simulator's verdict.
 * - `Inapplicable`: the action cannot name this resource at all (iam-simulate's
 *   `no.resource.types`), e.g. `codestar-connections:UseConnection` on a `codeconnections` ARN;
 *   AWS: "the service prefix needs to match that of the resource". Never a pass for an Allowed row.
 */
export type Verdict = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied' | 'Inapplicable';

export interface Call {
  /**
   * Who calls: a service principal (`cloudwatch.amazonaws.com`), or a role as its ARN, its
   * name, or `Stack/LogicalIdPrefix` (`Jobs0/SchedulerRole`).
   */
  readonly principal: string;
  readonly action: string;
  /** A concrete ARN (`*` only for actions without resource-level permissions). */
  readonly resource: string;
  /**
   * Request context. `aws:SecureTransport` is `true` unless given (SDKs and AWS services use
   * TLS); a role's `aws:PrincipalArn`/`aws:PrincipalAccount` are filled in. A service
   * principal's `aws:SourceAccount`/`aws:SourceArn` are part of the contract: give them.
   */
  readonly context?: Record<string, string | string[]>;
  /** The resource's account where neither its ARN nor the templates say (another account's bucket). */
  readonly resourceAccount?: string;
  /**
   * The resource's policy where the templates do not hold it: a resource of another account,
   * whose policy that account writes (e.g. the statement `cdk synth` prints for it).
   */
  readonly resourcePolicy?: PolicyDocument;
}

export interface Decision {
  readonly call: Call;
  /** The call's own verdict, or the first non-Allowed implied call's. */
  readonly verdict: Verdict;
  readonly ownVerdict: Verdict;
  /** Calls AWS makes on the principal's behalf, e.g. KMS for an encrypted topic. */
  readonly implied: readonly Decision[];
  /** What the simulator decided and why, statement by statement. */
  readonly explanation: string;
}

export interface DecideOptions {
  /**
   * Also evaluate what the call needs on other resources: for an SSE-KMS topic or queue with a
   * customer managed key, the caller's kms:GenerateDataKey and kms:Decrypt on the key
   * (SNS and SQS docs: the publisher/sender needs both, a receiver kms:Decrypt).
   * @default true
   */
  readonly implied?: boolean;
}

/** Evaluates `call` in `world`. Throws on a request the simulator rejects (bad action, ARN, context key). */
export async function decide(world: IamWorld, call: Call, options: DecideOptions = {}): Promise<Decision> {
  const service = call.principal.endsWith('.amazonaws.com');
  const role = service ? undefined : world.role(call.principal);
  const account = call.resourceAccount ?? world.accountOf(call.resource) ?? role?.account;
  if (!account) throw new Error(`${call.resource}: cannot tell which account it is in`);
  const resourcePolicy: { source: string; policy: PolicyDocument } | undefined = call.resourcePolicy
    ? { source: "the resource's own account (given)", policy: call.resourcePolicy }
    : call.resource === '*'
      ? undefined
      : world.resourcePolicy(call.resource);
  const context: Record<string, string | string[]> = {
    'aws:SecureTransport': 'true',
    ...(role ? { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.account } : {}),
    ...call.context,
  };
  const simulation: Simulation = {
    request: {
      principal: service ? call.principal : role!.arn,
      action: call.action,
      resource: { resource: call.resource, accountId: account },
      contextVariables: context,
    },
    identityPolicies: role ? role.policies() : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy?.policy,
  };
  const response = await runSimulation(simulation, {});
  const header = `${call.principal}${role ? ` (${role.arn})` : ''} ${call.action} ${call.resource} ${JSON.stringify(context)}`;

  let ownVerdict: Verdict;
  let details: string;
  if (response.resultType === 'error') {
    if (response.errors.message !== 'no.resource.types') {
      throw new Error(`iam-simulate rejected ${header}: ${JSON.stringify(response.errors)}`);
    }
    ownVerdict = 'Inapplicable';
    details = `  ${call.action} has no resource type matching ${call.resource} (no.resource.types)`;
  } else {
    const results = response.resultType === 'single' ? [response.result] : response.results;
    const ignored = [...new Set(results.flatMap((r) => r.ignoredContextKeys ?? []))];
    if (ignored.length > 0) {
      // A context key the action does not support is dropped silently, which would make a
      // row pass for the wrong reason (a typo'd condition key): refuse it.
      throw new Error(`${header}: context keys not applicable to ${call.action}: ${ignored.join(', ')}`);
    }
    ownVerdict = response.overallResult;
    details = results.map((r) => describeAnalysis(r.analysis)).join('\n');
  }

  const policies = [
    ...(role ? role.policies().map((p) => `identity ${p.name}`) : ['identity: none (service principal)']),
    resourcePolicy ? `resource ${resourcePolicy.source}` : 'resource: none',
  ];
  const implied = options.implied === false ? [] : await impliedCalls(world, call);
  const verdict =
    ownVerdict !== 'Allowed'
      ? ownVerdict
      : (implied.find((d) => d.verdict !== 'Allowed')?.verdict ?? 'Allowed');
  const explanation = [
    `${header} => ${ownVerdict}`,
    `  policies: ${policies.join('; ')}`,
    details,
    ...implied.map((d) => `  implied: ${d.explanation.replace(/\n/g, '\n  ')}`),
  ].join('\n');
  return { call, verdict, ownVerdict, implied, explanation };
}

async function impliedCalls(world: IamWorld, call: Call): Promise<Decision[]> {
  const action = call.action.toLowerCase();
  const kmsActions =
    action === 'sns:publish' || action === 'sqs:sendmessage'
      ? ['kms:GenerateDataKey', 'kms:Decrypt']
      : action === 'sqs:receivemessage'
        ? ['kms:Decrypt']
        : [];
  if (kmsActions.length === 0) return [];
  const key = world.encryptionKey(call.resource);
  if (!key) return [];
  const context = Object.fromEntries(
    Object.entries(call.context ?? {}).filter(([k]) => k.toLowerCase().startsWith('aws:')),
  );
  return Promise.all(
    kmsActions.map((kmsAction) =>
      decide(
        world,
        { principal: call.principal, action: kmsAction, resource: key, context },
        { implied: false },
      ),
    ),
  );
}

interface StatementLike {
  explain?: {
    identifier?: string;
    effect?: string;
    matches?: boolean;
    actionMatch?: boolean;
    resourceMatch?: boolean;
    principalMatch?: string;
    conditionMatch?: boolean;
  };
}
interface AnalysisLike {
  result?: string;
  allowStatements?: StatementLike[];
  denyStatements?: StatementLike[];
  unmatchedStatements?: StatementLike[];
}

function describeAnalysis(analysis: unknown): string {
  const a = analysis as Record<string, AnalysisLike | string | undefined>;
  const parts = ['identityAnalysis', 'resourceAnalysis'].map((key) => {
    const part = a[key] as AnalysisLike | undefined;
    if (!part) return `  ${key}: none`;
    const list = (label: string, statements: StatementLike[] = []) =>
      statements.map((s) => `\n      ${label} ${statementSummary(s)}`).join('');
    return `  ${key}: ${part.result}${list('allow', part.allowStatements)}${list('deny', part.denyStatements)}${list('unmatched', part.unmatchedStatements)}`;
  });
  return [`  result: ${(analysis as { result?: string }).result}`, ...parts].join('\n');
}

function statementSummary(s: StatementLike): string {
  const e = s.explain ?? {};
  const misses = [
    e.actionMatch === false ? 'action' : '',
    e.resourceMatch === false ? 'resource' : '',
    e.principalMatch !== undefined && e.principalMatch !== 'Match' ? `principal(${e.principalMatch})` : '',
    e.conditionMatch === false ? 'condition' : '',
  ].filter(Boolean);
  return `${e.effect ?? '?'} #${e.identifier ?? '?'}${misses.length ? ` (no match: ${misses.join(', ')})` : ''}`;
}
