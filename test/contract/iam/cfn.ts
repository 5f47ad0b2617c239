import { createHash } from 'node:crypto';

/**
 * Resolves CloudFormation intrinsics in synthesized templates to the literal values they will
 * have once deployed, so policies can be evaluated offline. Physical names CloudFormation
 * would generate (no `*Name` property) become `<stack name>-<logical id>`: stable, and distinct
 * per resource, which is all a policy evaluation needs. Anything this module does not know is
 * an error: a policy it cannot resolve must not pass silently.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: JsonObject;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
  readonly Parameters?: Record<string, unknown>;
}

/** One deployed stack: where it goes and what it declares. */
export interface StackTemplate {
  /** Construct path, e.g. `Workers` or `Pipeline/staging/Workers`. */
  readonly path: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: CfnTemplate;
}

export class UnresolvableError extends Error {
  constructor(stack: StackTemplate, where: string, what: string) {
    super(`${stack.stackName}: cannot resolve ${what} (in ${where})`);
    this.name = 'UnresolvableError';
  }
}

const PARTITION = 'aws';

/** Resolves values of one stack, following cross-stack references into the others. */
export class StackResolver {
  constructor(
    readonly stack: StackTemplate,
    private readonly lookupStack: (stackName: string) => StackResolver,
    private readonly lookupExport: (exportName: string) => string,
  ) {}

  get resources(): Record<string, CfnResource> {
    return this.stack.template.Resources ?? {};
  }

  resource(logicalId: string, where: string): CfnResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new UnresolvableError(this.stack, where, `unknown resource ${logicalId}`);
    return resource;
  }

  /** The literal value of `value`; throws on anything it cannot resolve. */
  resolve(value: Json, where = 'value'): Json {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      return value.filter((v) => !isNoValue(v)).map((v) => this.resolve(v, where));
    }
    const keys = Object.keys(value);
    const intrinsic =
      keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')) ? keys[0] : undefined;
    if (!intrinsic) {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => !isNoValue(v))
          .map(([k, v]) => [k, this.resolve(v, where)]),
      );
    }
    const arg = value[intrinsic]!;
    switch (intrinsic) {
      case 'Ref':
        return this.ref(this.string(arg, where), where);
      case 'Fn::GetAtt': {
        const [id, ...attr] = typeof arg === 'string' ? arg.split('.') : (arg as string[]);
        return this.getAtt(this.string(id ?? null, where), attr.join('.'), where);
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, Json];
        const items = this.resolve(list, where);
        if (!Array.isArray(items)) throw new UnresolvableError(this.stack, where, 'Fn::Join of a non-list');
        return items.map((i) => this.string(i, where)).join(sep);
      }
      case 'Fn::Sub':
        return this.sub(arg, where);
      case 'Fn::Select': {
        const [index, list] = arg as [Json, Json];
        const items = this.resolve(list, where);
        const i = Number(this.resolve(index, where));
        if (!Array.isArray(items) || !(i in items)) {
          throw new UnresolvableError(this.stack, where, `Fn::Select ${i} out of range`);
        }
        return items[i]!;
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, Json];
        return this.string(this.resolve(source, where), where).split(sep);
      }
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = arg as { StackName: string; OutputName: string };
        return this.lookupStack(StackName).output(OutputName);
      }
      case 'Fn::ImportValue':
        return this.lookupExport(this.string(this.resolve(arg, where), where));
      default:
        throw new UnresolvableError(this.stack, where, `intrinsic ${intrinsic}`);
    }
  }

  /** Resolves `value` and requires a string. */
  str(value: Json, where = 'value'): string {
    return this.string(this.resolve(value, where), where);
  }

  output(name: string): Json {
    const output = this.stack.template.Outputs?.[name];
    if (!output) throw new UnresolvableError(this.stack, 'Outputs', `unknown output ${name}`);
    return this.resolve(output.Value, `Outputs.${name}`);
  }

  exports(): Map<string, () => Json> {
    const result = new Map<string, () => Json>();
    for (const [name, output] of Object.entries(this.stack.template.Outputs ?? {})) {
      if (output.Export) result.set(this.str(output.Export.Name), () => this.output(name));
    }
    return result;
  }

  private string(value: Json, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw new UnresolvableError(this.stack, where, `a non-string ${JSON.stringify(value)}`);
  }

  private pseudo(name: string): string | undefined {
    const { account, region, stackName } = this.stack;
    switch (name) {
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:${PARTITION}:cloudformation:${region}:${account}:stack/${stackName}/${fakeId(stackName)}`;
      default:
        return undefined;
    }
  }

  private ref(name: string, where: string): Json {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const resource = this.resources[name];
    if (!resource) throw new UnresolvableError(this.stack, where, `Ref ${name} (parameter or unknown)`);
    return this.attribute(name, resource, 'Ref', where);
  }

  private getAtt(logicalId: string, attr: string, where: string): Json {
    return this.attribute(logicalId, this.resource(logicalId, where), attr, where);
  }

  private sub(arg: Json, where: string): string {
    const [template, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, JsonObject]);
    return template.replace(/\$\{(!?)([^}]+)\}/g, (_, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      if (name in vars) return this.str(vars[name]!, where);
      if (name.includes('.')) {
        const [id, ...attr] = name.split('.');
        return this.string(this.getAtt(id!, attr.join('.'), where), where);
      }
      return this.string(this.ref(name, where), where);
    });
  }

  /** The physical name CloudFormation gives a resource: its name property, else generated. */
  physicalName(logicalId: string, nameProperty: string, where: string): string {
    const props = this.resource(logicalId, where).Properties ?? {};
    const name = props[nameProperty];
    if (name !== undefined) return this.str(name, `${logicalId}.${nameProperty}`);
    return `${this.stack.stackName}-${logicalId}`.slice(0, 64);
  }

  private attribute(logicalId: string, resource: CfnResource, attr: string, where: string): Json {
    const { account, region } = this.stack;
    const p = PARTITION;
    const name = (prop: string) => this.physicalName(logicalId, prop, where);
    const props = resource.Properties ?? {};
    const unknown = () => new UnresolvableError(this.stack, where, `${resource.Type} ${logicalId}.${attr}`);
    const pick = (values: Record<string, () => Json>): Json => {
      const get = values[attr];
      if (!get) throw unknown();
      return get();
    };
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const arn = () => `arn:${p}:iam::${account}:role${this.rolePath(props)}${name('RoleName')}`;
        return pick({ Ref: () => name('RoleName'), Arn: arn, RoleId: () => `AROA${fakeId(logicalId, 17)}` });
      }
      case 'AWS::IAM::OIDCProvider': {
        // The provider's ARN names its URL without the scheme.
        const url = (typeof props['Url'] === 'string' ? props['Url'] : '').replace(/^https:\/\//, '');
        const arn = () => `arn:${p}:iam::${account}:oidc-provider/${url}`;
        return pick({ Ref: arn, Arn: arn });
      }
      case 'AWS::IAM::ManagedPolicy':
        return pick({
          Ref: () => `arn:${p}:iam::${account}:policy${this.rolePath(props)}${name('ManagedPolicyName')}`,
        });
      case 'AWS::IAM::Policy':
        return pick({ Ref: () => name('PolicyName') });
      case 'AWS::SNS::Topic': {
        const arn = () => `arn:${p}:sns:${region}:${account}:${name('TopicName')}`;
        return pick({ Ref: arn, TopicArn: arn, TopicName: () => name('TopicName') });
      }
      case 'AWS::SQS::Queue': {
        const queueName = () => name('QueueName');
        return pick({
          Ref: () => `https://sqs.${region}.amazonaws.com/${account}/${queueName()}`,
          QueueUrl: () => `https://sqs.${region}.amazonaws.com/${account}/${queueName()}`,
          Arn: () => `arn:${p}:sqs:${region}:${account}:${queueName()}`,
          QueueName: queueName,
        });
      }
      case 'AWS::KMS::Key': {
        const keyId = fakeUuid(`${this.stack.stackName}/${logicalId}`);
        return pick({
          Ref: () => keyId,
          KeyId: () => keyId,
          Arn: () => `arn:${p}:kms:${region}:${account}:key/${keyId}`,
        });
      }
      case 'AWS::KMS::Alias':
        return pick({ Ref: () => this.str(props.AliasName!, where) });
      case 'AWS::Lambda::Function':
        return pick({
          Ref: () => name('FunctionName'),
          Arn: () => `arn:${p}:lambda:${region}:${account}:function:${name('FunctionName')}`,
        });
      case 'AWS::DynamoDB::Table':
        return pick({
          Ref: () => name('TableName'),
          Arn: () => `arn:${p}:dynamodb:${region}:${account}:table/${name('TableName')}`,
        });
      case 'AWS::StepFunctions::StateMachine': {
        const arn = () => `arn:${p}:states:${region}:${account}:stateMachine:${name('StateMachineName')}`;
        return pick({ Ref: arn, Arn: arn, Name: () => name('StateMachineName') });
      }
      case 'AWS::ECS::Cluster':
        return pick({
          Ref: () => name('ClusterName'),
          Arn: () => `arn:${p}:ecs:${region}:${account}:cluster/${name('ClusterName')}`,
        });
      case 'AWS::ECS::Service': {
        const arn = () => {
          const cluster = this.str(props.Cluster ?? 'default', where)
            .split('/')
            .pop()!;
          return `arn:${p}:ecs:${region}:${account}:service/${cluster}/${name('ServiceName')}`;
        };
        return pick({ Ref: arn, ServiceArn: arn, Name: () => name('ServiceName') });
      }
      case 'AWS::ECS::TaskDefinition': {
        const arn = () => `arn:${p}:ecs:${region}:${account}:task-definition/${name('Family')}:1`;
        return pick({ Ref: arn, TaskDefinitionArn: arn });
      }
      case 'AWS::Logs::LogGroup':
        return pick({
          Ref: () => name('LogGroupName'),
          Arn: () => `arn:${p}:logs:${region}:${account}:log-group:${name('LogGroupName')}:*`,
        });
      case 'AWS::Events::EventBus':
        return pick({
          Ref: () => name('Name'),
          Name: () => name('Name'),
          Arn: () => `arn:${p}:events:${region}:${account}:event-bus/${name('Name')}`,
        });
      case 'AWS::Events::Rule':
        return pick({
          Ref: () => name('Name'),
          Arn: () => `arn:${p}:events:${region}:${account}:rule/${name('Name')}`,
        });
      case 'AWS::Scheduler::ScheduleGroup':
        return pick({
          Ref: () => name('Name'),
          Arn: () => `arn:${p}:scheduler:${region}:${account}:schedule-group/${name('Name')}`,
        });
      case 'AWS::S3::Bucket': {
        const bucket = () => name('BucketName').toLowerCase();
        return pick({ Ref: bucket, Arn: () => `arn:${p}:s3:::${bucket()}` });
      }
      case 'AWS::CodeBuild::Project':
        return pick({
          Ref: () => name('Name'),
          Arn: () => `arn:${p}:codebuild:${region}:${account}:project/${name('Name')}`,
        });
      case 'AWS::CodePipeline::Pipeline':
        return pick({ Ref: () => name('Name') });
      case 'AWS::ECR::Repository':
        return pick({
          Ref: () => name('RepositoryName'),
          Arn: () => `arn:${p}:ecr:${region}:${account}:repository/${name('RepositoryName')}`,
        });
      case 'AWS::SecretsManager::Secret':
        return pick({
          Ref: () => `arn:${p}:secretsmanager:${region}:${account}:secret:${name('Name')}-AbCdEf`,
        });
      case 'AWS::CloudWatch::Alarm':
        return pick({
          Ref: () => name('AlarmName'),
          Arn: () => `arn:${p}:cloudwatch:${region}:${account}:alarm:${name('AlarmName')}`,
        });
      case 'AWS::EC2::SecurityGroup':
        return pick({
          Ref: () => `sg-${fakeId(logicalId, 17)}`,
          GroupId: () => `sg-${fakeId(logicalId, 17)}`,
        });
      case 'AWS::EC2::Subnet':
        return pick({
          Ref: () => `subnet-${fakeId(logicalId, 17)}`,
          SubnetId: () => `subnet-${fakeId(logicalId, 17)}`,
        });
      case 'AWS::EC2::VPC':
        return pick({
          Ref: () => `vpc-${fakeId(logicalId, 17)}`,
          VpcId: () => `vpc-${fakeId(logicalId, 17)}`,
        });
      default:
        throw unknown();
    }
  }

  private rolePath(props: JsonObject): string {
    return props.Path === undefined ? '/' : this.str(props.Path, 'Path');
  }
}

function isNoValue(value: Json): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.Ref === 'AWS::NoValue';
}

function fakeId(seed: string, length = 12): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function fakeUuid(seed: string): string {
  const h = fakeId(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
