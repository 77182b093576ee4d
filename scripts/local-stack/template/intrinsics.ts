import { TemplateResolutionError, type CfnTemplate, type PseudoParameters, type ResourceMap } from './cfn-template';

/** What an intrinsic can be resolved against. */
export interface IntrinsicContext {
  readonly template: CfnTemplate;
  readonly resources: ResourceMap;
  readonly pseudoParameters: PseudoParameters;
}

/** An intrinsic the local stack cannot resolve; `where` names the resource and property. */
export class UnresolvableIntrinsicError extends TemplateResolutionError {
  constructor(
    readonly where: string,
    readonly intrinsic: string,
    detail: string,
  ) {
    super(`cannot resolve ${intrinsic} in ${where}: ${detail}`);
  }
}

type Json = unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The single key of `{ "Fn::X": ... }` / `{ "Ref": ... }` if `value` is an intrinsic call. */
export const intrinsicName = (value: unknown): string | undefined => {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] !== undefined && (keys[0] === 'Ref' || keys[0].startsWith('Fn::')) ? keys[0] : undefined;
};

/**
 * Logical IDs `value` refers to through Ref, Fn::GetAtt or Fn::Sub, at any depth: the dependencies that
 * decide the order in which resources are created.
 */
export const referencedLogicalIds = (value: unknown, found: Set<string> = new Set()): Set<string> => {
  if (Array.isArray(value)) {
    for (const item of value) referencedLogicalIds(item, found);
  } else if (isObject(value)) {
    const name = intrinsicName(value);
    const arg = name ? value[name] : undefined;
    if (name === 'Ref' && typeof arg === 'string' && !arg.startsWith('AWS::')) found.add(arg);
    else if (name === 'Fn::GetAtt') {
      const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
      if (typeof target === 'string') found.add(target);
    } else if (name === 'Fn::Sub') {
      const text = Array.isArray(arg) ? arg[0] : arg;
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const ref = match[1]?.split('.')[0];
          if (ref && !ref.startsWith('AWS::')) found.add(ref);
        }
      }
      if (Array.isArray(arg)) referencedLogicalIds(arg[1], found);
    }
    for (const nested of Object.values(value)) referencedLogicalIds(nested, found);
  }
  return found;
};

/**
 * Resolves every intrinsic in `value` against the local resources: Ref (resources, pseudo parameters,
 * parameters with a default), Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split. Anything else, or
 * a reference to a resource the local stack did not create, throws {@link UnresolvableIntrinsicError}
 * naming `where`.
 */
export const resolveIntrinsics = (value: Json, context: IntrinsicContext, where: string): Json => {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, context, where));
  if (!isObject(value)) return value;
  const name = intrinsicName(value);
  if (!name) return Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, resolveIntrinsics(nested, context, where)]));
  const arg = value[name];
  const fail = (detail: string): never => {
    throw new UnresolvableIntrinsicError(where, `${name} ${JSON.stringify(arg)}`, detail);
  };
  switch (name) {
    case 'Ref':
      return typeof arg === 'string' ? resolveRef(arg, context, fail) : fail('Ref takes a logical ID');
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg : typeof arg === 'string' ? splitOnce(arg, '.') : [];
      if (typeof logicalId !== 'string' || typeof attribute !== 'string') return fail('Fn::GetAtt takes [logicalId, attribute]');
      return resolveGetAtt(logicalId, attribute, context, fail);
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || typeof arg[0] !== 'string') return fail('Fn::Join takes [delimiter, list]');
      const list = resolveIntrinsics(arg[1], context, where);
      if (!Array.isArray(list)) return fail('the list of Fn::Join is not a list');
      return list.map((item) => scalar(item, fail)).join(arg[0]);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg)) return fail('Fn::Select takes [index, list]');
      const index = Number(resolveIntrinsics(arg[0], context, where));
      const list = resolveIntrinsics(arg[1], context, where);
      if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) return fail('index out of range or not a list');
      return list[index];
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || typeof arg[0] !== 'string') return fail('Fn::Split takes [delimiter, string]');
      return scalar(resolveIntrinsics(arg[1], context, where), fail).split(arg[0]);
    }
    case 'Fn::Sub':
      return resolveSub(arg, context, where, fail);
    default:
      return fail(`${name} is not supported by the local stack`);
  }
};

const splitOnce = (text: string, separator: string): [string, string] | [] => {
  const index = text.indexOf(separator);
  return index < 0 ? [] : [text.slice(0, index), text.slice(index + 1)];
};

const scalar = (value: unknown, fail: (detail: string) => never): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : fail(`expected a string, got ${JSON.stringify(value)}`);

const PSEUDO: Record<string, (p: PseudoParameters) => string> = {
  'AWS::Region': (p) => p.region,
  'AWS::AccountId': (p) => p.accountId,
  'AWS::Partition': (p) => p.partition,
  'AWS::URLSuffix': (p) => p.urlSuffix,
  'AWS::StackName': (p) => p.stackName,
  'AWS::StackId': (p) => `arn:${p.partition}:cloudformation:${p.region}:${p.accountId}:stack/${p.stackName}/local`,
};

const resolveRef = (logicalId: string, context: IntrinsicContext, fail: (detail: string) => never): string => {
  const pseudo = PSEUDO[logicalId];
  if (pseudo) return pseudo(context.pseudoParameters);
  if (logicalId === 'AWS::NoValue') return fail('AWS::NoValue is only valid inside Fn::If');
  const resource = context.resources[logicalId];
  if (resource) return resource.ref;
  const parameter = context.template.Parameters?.[logicalId];
  if (parameter) {
    return parameter.Default !== undefined && !parameter.Type.startsWith('AWS::SSM::')
      ? scalar(parameter.Default, fail)
      : fail(`parameter ${logicalId} has no default the local stack can use`);
  }
  return fail(missingResource(logicalId, context));
};

const resolveGetAtt = (logicalId: string, attribute: string, context: IntrinsicContext, fail: (detail: string) => never): string => {
  const resource = context.resources[logicalId];
  if (!resource) return fail(missingResource(logicalId, context));
  const value = resource.attributes[attribute];
  return value ?? fail(`${logicalId} (${resource.type}) has no attribute ${attribute} locally`);
};

const missingResource = (logicalId: string, context: IntrinsicContext): string => {
  const type = context.template.Resources[logicalId]?.Type;
  return type ? `${logicalId} is a ${type}, which the local stack does not create` : `${logicalId} is not in the template`;
};

const resolveSub = (arg: unknown, context: IntrinsicContext, where: string, fail: (detail: string) => never): string => {
  const [text, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
  if (typeof text !== 'string') return fail('Fn::Sub takes a string or [string, variables]');
  const resolvedVariables = isObject(variables) ? (resolveIntrinsics(variables, context, where) as Record<string, unknown>) : {};
  // ${!Literal} stays as ${Literal}, per CloudFormation.
  return text.replace(/\$\{([^}]*)\}/g, (_whole, expression: string) => {
    if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
    if (expression in resolvedVariables) return scalar(resolvedVariables[expression], fail);
    const [logicalId, attribute] = splitOnce(expression, '.');
    return logicalId !== undefined && attribute !== undefined && !expression.startsWith('AWS::')
      ? resolveGetAtt(logicalId, attribute, context, fail)
      : resolveRef(expression, context, fail);
  });
};
