/**
 * Properties as CloudFormation delivers them to a custom resource: intrinsic functions resolved,
 * then every leaf a string (CloudFormation sends numbers and booleans as strings).
 *  - Ref to a custom resource → its physical id; Fn::GetAtt X.Attr of one → its Data.Attr.
 *  - Ref / Fn::GetAtt of an ordinary resource (bucket, role, function) → a deterministic fake
 *    name or ARN: the replay deploys none of them.
 *  - Pseudo parameters, template parameters' defaults, Fn::Join, Fn::Sub, Fn::Select, Fn::Split.
 */
import { fakeName, Template } from './template';

export interface ResolverContext {
  readonly stackName: string;
  readonly stackId: string;
  readonly region: string;
  readonly accountId: string;
  readonly template: Template;
  /** A deployed custom resource's physical id and Data, or undefined when it has none (yet). */
  readonly customResource: (logicalId: string) => { physicalId: string; data: { [name: string]: unknown } } | undefined;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves intrinsics in `value` and turns every leaf into a string. */
export function resolveProperties(value: { [name: string]: unknown }, ctx: ResolverContext): { [name: string]: unknown } {
  return stringifyLeaves(resolve(value, ctx)) as { [name: string]: unknown };
}

function resolve(value: unknown, ctx: ResolverContext): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, ctx)).filter((item) => item !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as { [name: string]: unknown });
  if (entries.length === 1) {
    const [fn, arg] = entries[0];
    switch (fn) {
      case 'Ref': return ref(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [id, ...attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return getAtt(id, attribute.join('.'), ctx);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts, ctx) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Sub': return sub(arg, ctx);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolve(list, ctx) as unknown[])[Number(resolve(index, ctx))];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return String(resolve(text, ctx)).split(separator);
      }
      case 'Fn::Base64': return Buffer.from(String(resolve(arg, ctx))).toString('base64');
      default:
        if (fn.startsWith('Fn::')) throw new Error(`The replay does not resolve ${fn}`);
    }
  }
  const resolved: { [name: string]: unknown } = {};
  for (const [name, inner] of entries) {
    const result = resolve(inner, ctx);
    if (result !== NO_VALUE) resolved[name] = result;
  }
  return resolved;
}

function ref(name: string, ctx: ResolverContext): unknown {
  switch (name) {
    case 'AWS::Region': return ctx.region;
    case 'AWS::AccountId': return ctx.accountId;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return ctx.stackName;
    case 'AWS::StackId': return ctx.stackId;
    case 'AWS::NoValue': return NO_VALUE;
  }
  const parameter = ctx.template.Parameters?.[name];
  if (parameter) return parameter.Default ?? '';
  const resource = ctx.template.Resources[name];
  if (!resource) throw new Error(`Ref to ${name}, which is not in the template`);
  if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
    const deployed = ctx.customResource(name);
    if (!deployed) throw new Error(`Ref to ${name} before it has a physical id`);
    return deployed.physicalId;
  }
  return physicalName(ctx.stackName, name, resource.Type);
}

function getAtt(id: string, attribute: string, ctx: ResolverContext): unknown {
  const resource = ctx.template.Resources[id];
  if (!resource) throw new Error(`Fn::GetAtt of ${id}, which is not in the template`);
  if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
    const deployed = ctx.customResource(id);
    if (!deployed) throw new Error(`Fn::GetAtt ${id}.${attribute} before it exists`);
    if (!(attribute in deployed.data)) {
      // CloudFormation's own words for a missing attribute of a custom resource.
      throw new Error(`CustomResource attribute error: Vendor response doesn't contain ${attribute} key in object ${ctx.stackId}|${id}`);
    }
    return deployed.data[attribute];
  }
  const name = physicalName(ctx.stackName, id, resource.Type);
  if (attribute === 'Arn') return fakeArn(name, resource.Type, ctx);
  return `${name}.${attribute}`;
}

function sub(arg: unknown, ctx: ResolverContext): string {
  const [text, variables] = Array.isArray(arg) ? arg as [string, { [name: string]: unknown }] : [String(arg), {}];
  const values = Object.fromEntries(Object.entries(variables ?? {}).map(([name, inner]) => [name, resolve(inner, ctx)]));
  return text.replace(/\$\{([^}]+)\}/g, (_whole, expression: string) => {
    if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
    if (expression in values) return String(values[expression]);
    const [id, ...attribute] = expression.split('.');
    return String(attribute.length > 0 ? getAtt(id, attribute.join('.'), ctx) : ref(id, ctx));
  });
}

/** The placeholder an ordinary resource's Ref resolves to (its attributes are derived from it). */
export function physicalName(stackName: string, logicalId: string, type: string): string {
  switch (type) {
    case 'AWS::S3::Bucket': return fakeName(stackName, logicalId, 63, true);
    case 'AWS::IAM::Role':
    case 'AWS::Lambda::Function': return fakeName(stackName, logicalId, 64);
    default: return fakeName(stackName, logicalId, 128);
  }
}

function fakeArn(name: string, type: string, ctx: ResolverContext): string {
  const { region, accountId } = ctx;
  switch (type) {
    case 'AWS::S3::Bucket': return `arn:aws:s3:::${name}`;
    case 'AWS::IAM::Role': return `arn:aws:iam::${accountId}:role/${name}`;
    case 'AWS::Lambda::Function': return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    case 'AWS::StepFunctions::StateMachine': return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
    case 'AWS::Logs::LogGroup': return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
    default: {
      const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return `arn:aws:${service}:${region}:${accountId}:${name}`;
    }
  }
}

function stringifyLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyLeaves);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, stringifyLeaves(inner)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
