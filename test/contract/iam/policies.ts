import { StackResolver, type Json, type JsonObject, type StackTemplate } from './cfn';

/**
 * What IAM will hold once an app's stacks are deployed: every role with its identity policies,
 * and every resource policy (topic, queue, key, Lambda permission, bucket, event bus, trust
 * policy), all with intrinsics resolved to literal ARNs. Built from the synthesized templates of
 * ALL stacks of an app, because a policy in one stack often attaches to a role in another.
 */

export interface PolicyDocument {
  Version?: string;
  Statement: JsonObject[];
}

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

export interface RoleInfo {
  /** `<stack path>/<logical id>`, or the ARN of a role that exists outside the templates. */
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly account: string;
  /** Resolved on first use, so a role no test asks about cannot fail the world. */
  readonly policies: () => NamedPolicy[];
}

export interface ResourcePolicy {
  /** Where the policy comes from, e.g. `Platform/AlarmTopicPolicy309DB5F8`. */
  readonly source: string;
  readonly policy: PolicyDocument;
}

/** A role that no template declares: a service-linked role, with its AWS managed policy. */
export interface ExternalRole {
  readonly arn: string;
  readonly policies: NamedPolicy[];
  /** Where its policy text comes from, for the report. */
  readonly reference: string;
}

export class IamWorld {
  private readonly resolvers = new Map<string, StackResolver>();
  private readonly external = new Map<string, ExternalRole>();
  private resourcePolicyIndex?: Map<string, ResourcePolicy>;
  private roleList?: RoleInfo[];

  constructor(readonly stacks: readonly StackTemplate[]) {
    let exportIndex: Map<string, () => Json> | undefined;
    const lookupExport = (name: string): string => {
      exportIndex ??= new Map([...this.resolvers.values()].flatMap((r) => [...r.exports()]));
      const get = exportIndex.get(name);
      if (!get) throw new Error(`Fn::ImportValue ${name}: no stack exports it`);
      const value = get();
      if (typeof value !== 'string') throw new Error(`Fn::ImportValue ${name}: not a string`);
      return value;
    };
    const lookupStack = (stackName: string): StackResolver => {
      const found = this.resolvers.get(stackName);
      if (!found) throw new Error(`Fn::GetStackOutput: no stack named ${stackName} in this app`);
      return found;
    };
    for (const stack of stacks) {
      this.resolvers.set(stack.stackName, new StackResolver(stack, lookupStack, lookupExport));
    }
  }

  /** The resolver of the stack at construct path `path` (`Workers`) or named `path`. */
  stack(path: string): StackResolver {
    const found = [...this.resolvers.values()].filter(
      (r) => r.stack.path === path || r.stack.stackName === path,
    );
    if (found.length !== 1) throw new Error(`${found.length} stacks match ${path}`);
    return found[0]!;
  }

  /**
   * Resolves `Stack/LogicalIdPrefix` (logical ids carry a hash suffix, so a prefix names the
   * resource) to the resource's attribute: `Ref`, `Arn`, ...
   */
  attribute(ref: string, attr = 'Arn'): string {
    const { resolver, logicalId } = this.findResource(ref);
    const value: Json = attr === 'Ref' ? { Ref: logicalId } : { 'Fn::GetAtt': [logicalId, attr] };
    return resolver.str(value, ref);
  }

  /** Registers a role that exists in the account but not in the templates. */
  addExternalRole(role: ExternalRole): void {
    this.external.set(role.arn, role);
  }

  get roles(): RoleInfo[] {
    this.roleList ??= [...this.resolvers.values()].flatMap((resolver) =>
      Object.entries(resolver.resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Role')
        .map(([logicalId]) => this.roleInfo(resolver, logicalId)),
    );
    return this.roleList;
  }

  /**
   * The role a selector names: a role ARN, a role name (`sandbox-job-task-0`), or
   * `Stack/LogicalIdPrefix` (`Workers/ordereventsrelayTaskTaskRole`). Exactly one must match.
   */
  role(selector: string): RoleInfo {
    const external = this.external.get(selector);
    if (external) {
      const account = external.arn.split(':')[4]!;
      const name = external.arn.split('/').pop()!;
      return { id: external.arn, name, arn: external.arn, account, policies: () => external.policies };
    }
    const matches = this.roles.filter((r) => {
      if (r.arn === selector || r.name === selector) return true;
      const slash = selector.lastIndexOf('/');
      if (slash < 0) return false;
      const stack = selector.slice(0, slash);
      const prefix = selector.slice(slash + 1);
      const roleStack = r.id.slice(0, r.id.lastIndexOf('/'));
      const logicalId = r.id.slice(r.id.lastIndexOf('/') + 1);
      return roleStack === stack && (logicalId === prefix || hashed(prefix).test(logicalId));
    });
    if (matches.length !== 1) {
      throw new Error(
        `principal ${selector} matches ${matches.length} roles${matches.length ? `: ${matches.map((m) => m.id).join(', ')}` : ''}`,
      );
    }
    return matches[0]!;
  }

  /**
   * The resource policy that governs `arn`, if any: the policy of the topic, queue, key,
   * function, bucket (for objects too), event bus or role (its trust policy).
   */
  resourcePolicy(arn: string): ResourcePolicy | undefined {
    this.resourcePolicyIndex ??= this.buildResourcePolicies();
    return this.resourcePolicyIndex.get(policyOwner(arn));
  }

  /**
   * The customer managed KMS key that encrypts an SNS topic or SQS queue, as an ARN; undefined
   * when it is unencrypted or uses SQS-managed SSE. An AWS managed key (alias/aws/...) throws:
   * its key policy is not in the templates, and AWS services cannot use it (the reason the
   * alarm topic has its own key).
   */
  encryptionKey(resourceArn: string): string | undefined {
    for (const resolver of this.resolvers.values()) {
      for (const [logicalId, r] of Object.entries(resolver.resources)) {
        if (r.Type !== 'AWS::SNS::Topic' && r.Type !== 'AWS::SQS::Queue') continue;
        const arn = resolver.str({
          'Fn::GetAtt': [logicalId, r.Type === 'AWS::SNS::Topic' ? 'TopicArn' : 'Arn'],
        });
        if (arn !== resourceArn) continue;
        const keyRef = r.Properties?.KmsMasterKeyId;
        if (keyRef === undefined) return undefined;
        const key = resolver.str(keyRef, `${logicalId}.KmsMasterKeyId`);
        if (key.startsWith('alias/aws/')) {
          throw new Error(`${resourceArn} uses the AWS managed key ${key}: its key policy is not modelled`);
        }
        if (key.startsWith('arn:')) return key;
        return `arn:aws:kms:${resolver.stack.region}:${resolver.stack.account}:key/${key}`;
      }
    }
    return undefined;
  }

  /** The account a resource ARN belongs to (S3 ARNs carry none: looked up, else undefined). */
  accountOf(arn: string): string | undefined {
    const account = arn.split(':')[4];
    if (account) return account;
    if (arn.startsWith('arn:aws:s3:::')) {
      const bucket = policyOwner(arn);
      for (const resolver of this.resolvers.values()) {
        for (const [logicalId, r] of Object.entries(resolver.resources)) {
          if (r.Type === 'AWS::S3::Bucket' && resolver.str({ 'Fn::GetAtt': [logicalId, 'Arn'] }) === bucket) {
            return resolver.stack.account;
          }
        }
      }
    }
    return undefined;
  }

  private findResource(ref: string): { resolver: StackResolver; logicalId: string } {
    const slash = ref.lastIndexOf('/');
    const resolver = this.stack(ref.slice(0, slash));
    const prefix = ref.slice(slash + 1);
    // CDK appends an 8-character hash to the construct path: `Prefix` names `Prefix1A2B3C4D` only.
    const ids = Object.keys(resolver.resources).filter((id) => id === prefix || hashed(prefix).test(id));
    if (ids.length !== 1) throw new Error(`${ref} matches ${ids.length} resources: ${ids.join(', ')}`);
    return { resolver, logicalId: ids[0]! };
  }

  private roleInfo(resolver: StackResolver, logicalId: string): RoleInfo {
    const name = resolver.str({ Ref: logicalId });
    return {
      id: `${resolver.stack.path}/${logicalId}`,
      name,
      arn: resolver.str({ 'Fn::GetAtt': [logicalId, 'Arn'] }),
      account: resolver.stack.account,
      policies: () => this.identityPolicies(resolver, logicalId, name),
    };
  }

  /** Inline policies, managed policies it lists, and every AWS::IAM::Policy/ManagedPolicy naming it. */
  private identityPolicies(resolver: StackResolver, logicalId: string, roleName: string): NamedPolicy[] {
    const props = resolver.resource(logicalId, logicalId).Properties ?? {};
    const where = `${resolver.stack.path}/${logicalId}`;
    const inline = ((props.Policies ?? []) as JsonObject[]).map((p) => ({
      name: `${where} inline ${resolver.str(p.PolicyName!)}`,
      policy: resolver.resolve(p.PolicyDocument!, where) as unknown as PolicyDocument,
    }));
    const managedArns = ((resolver.resolve(props.ManagedPolicyArns ?? [], where) as string[]) ?? []).map(
      String,
    );
    const managed = managedArns.map((arn) => this.managedPolicy(arn, where));
    const attached: NamedPolicy[] = [];
    for (const other of this.resolvers.values()) {
      for (const [id, r] of Object.entries(other.resources)) {
        if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
        const roles = (other.resolve(r.Properties?.Roles ?? [], id) as string[]).map(String);
        if (!roles.includes(roleName)) continue;
        if (r.Type === 'AWS::IAM::ManagedPolicy' && managedArns.includes(other.str({ Ref: id }))) continue;
        attached.push({
          name: `${other.stack.path}/${id}`,
          policy: other.resolve(r.Properties!.PolicyDocument!, id) as unknown as PolicyDocument,
        });
      }
    }
    return [...inline, ...managed, ...attached];
  }

  private managedPolicy(arn: string, where: string): NamedPolicy {
    for (const resolver of this.resolvers.values()) {
      for (const [id, r] of Object.entries(resolver.resources)) {
        if (r.Type === 'AWS::IAM::ManagedPolicy' && resolver.str({ Ref: id }) === arn) {
          return {
            name: `${resolver.stack.path}/${id}`,
            policy: resolver.resolve(r.Properties!.PolicyDocument!, id) as unknown as PolicyDocument,
          };
        }
      }
    }
    throw new Error(`${where}: managed policy ${arn} is not in the templates and not modelled`);
  }

  private buildResourcePolicies(): Map<string, ResourcePolicy> {
    const index = new Map<string, ResourcePolicy>();
    const merged = new Map<string, ResourcePolicy>();
    // One policy document per resource: a second TopicPolicy/QueuePolicy on the same resource
    // silently overwrites the first in AWS, so it is an error here.
    const set = (owner: string, source: string, policy: PolicyDocument) => {
      const existing = index.get(owner);
      if (existing)
        throw new Error(`${owner}: both ${existing.source} and ${source} set its resource policy`);
      index.set(owner, { source, policy });
    };
    // Lambda permissions and EventBridge bus policies add statements to one policy.
    const add = (owner: string, source: string, statements: JsonObject[]) => {
      const existing = merged.get(owner);
      merged.set(owner, {
        source: existing ? `${existing.source}, ${source}` : source,
        policy: { Version: '2012-10-17', Statement: [...(existing?.policy.Statement ?? []), ...statements] },
      });
    };
    for (const resolver of this.resolvers.values()) {
      const { account, region } = resolver.stack;
      for (const [id, r] of Object.entries(resolver.resources)) {
        const source = `${resolver.stack.path}/${id}`;
        const props = r.Properties ?? {};
        const doc = (value: Json) => resolver.resolve(value, source) as unknown as PolicyDocument;
        switch (r.Type) {
          case 'AWS::SNS::TopicPolicy':
            for (const topic of resolver.resolve(props.Topics!, source) as string[])
              set(topic, source, doc(props.PolicyDocument!));
            break;
          case 'AWS::SNS::TopicInlinePolicy':
            set(resolver.str(props.TopicArn!, source), source, doc(props.PolicyDocument!));
            break;
          case 'AWS::SQS::QueuePolicy':
            for (const url of resolver.resolve(props.Queues!, source) as string[]) {
              set(queueArnFromUrl(url), source, doc(props.PolicyDocument!));
            }
            break;
          case 'AWS::SQS::QueueInlinePolicy':
            set(queueArnFromUrl(resolver.str(props.Queue!, source)), source, doc(props.PolicyDocument!));
            break;
          case 'AWS::KMS::Key':
            set(resolver.str({ 'Fn::GetAtt': [id, 'Arn'] }), source, doc(props.KeyPolicy!));
            break;
          case 'AWS::S3::BucketPolicy':
            set(`arn:aws:s3:::${resolver.str(props.Bucket!, source)}`, source, doc(props.PolicyDocument!));
            break;
          case 'AWS::ECR::Repository':
            if (props.RepositoryPolicyText !== undefined) {
              set(resolver.str({ 'Fn::GetAtt': [id, 'Arn'] }), source, doc(props.RepositoryPolicyText));
            }
            break;
          case 'AWS::SecretsManager::ResourcePolicy':
            set(resolver.str(props.SecretId!, source), source, doc(props.ResourcePolicy!));
            break;
          case 'AWS::IAM::Role':
            set(resolver.str({ 'Fn::GetAtt': [id, 'Arn'] }), source, doc(props.AssumeRolePolicyDocument!));
            break;
          case 'AWS::Lambda::Permission': {
            const fn = resolver.str(props.FunctionName!, source);
            const arn = fn.startsWith('arn:') ? fn : `arn:aws:lambda:${region}:${account}:function:${fn}`;
            add(policyOwner(arn), source, [
              lambdaPermissionStatement(resolver.resolve(props, source) as JsonObject, arn),
            ]);
            break;
          }
          case 'AWS::Events::EventBusPolicy': {
            const busName =
              props.EventBusName === undefined ? 'default' : resolver.str(props.EventBusName, source);
            const arn = `arn:aws:events:${region}:${account}:event-bus/${busName}`;
            const resolved = resolver.resolve(props, source) as JsonObject;
            const statement = (resolved.Statement as JsonObject | undefined) ?? {
              Sid: resolved.StatementId!,
              Effect: 'Allow',
              Principal: { AWS: resolved.Principal! },
              Action: resolved.Action!,
              Resource: arn,
              ...(resolved.Condition ? { Condition: resolved.Condition } : {}),
            };
            add(arn, source, [statement]);
            break;
          }
          default:
            break;
        }
      }
    }
    for (const [owner, policy] of merged) set(owner, policy.source, policy.policy);
    return index;
  }
}

function hashed(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[^A-Za-z0-9]/g, '')}[0-9A-F]{8}$`);
}

/** The ARN whose policy governs `arn`: a bucket for its objects, a function for its versions. */
export function policyOwner(arn: string): string {
  if (arn.startsWith('arn:aws:s3:::')) return arn.split('/')[0]!;
  const lambda = /^(arn:aws:lambda:[^:]+:\d+:function:[^:]+)(:.*)?$/.exec(arn);
  if (lambda) return lambda[1]!;
  return arn;
}

function queueArnFromUrl(url: string): string {
  const match = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(url);
  if (!match) throw new Error(`not an SQS queue URL: ${url}`);
  return `arn:aws:sqs:${match[1]}:${match[2]}:${match[3]}`;
}

/** AWS::Lambda::Permission as the statement Lambda adds to the function's policy. */
function lambdaPermissionStatement(props: JsonObject, functionArn: string): JsonObject {
  const principal = props.Principal;
  if (typeof principal !== 'string')
    throw new Error(`${functionArn}: permission principal ${JSON.stringify(principal)}`);
  const condition: JsonObject = {};
  if (props.SourceArn !== undefined) condition.ArnLike = { 'aws:SourceArn': props.SourceArn };
  if (props.SourceAccount !== undefined)
    condition.StringEquals = { 'aws:SourceAccount': props.SourceAccount };
  if (props.PrincipalOrgID !== undefined) {
    condition.StringEquals = {
      ...(condition.StringEquals as JsonObject),
      'aws:PrincipalOrgID': props.PrincipalOrgID,
    };
  }
  if (props.FunctionUrlAuthType !== undefined) {
    condition.StringEquals = {
      ...(condition.StringEquals as JsonObject),
      'lambda:FunctionUrlAuthType': props.FunctionUrlAuthType,
    };
  }
  return {
    Effect: 'Allow',
    Principal: principal.endsWith('.amazonaws.com')
      ? { Service: principal }
      : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
    Action: props.Action!,
    Resource: functionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}
