/** One statement of a Lambda authorizer's policy, as IAM reads it. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

const isStringOrList = (value: unknown): value is string | string[] =>
  typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'));

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/**
 * The statements of an authorizer's `policyDocument`, or undefined when IAM would not accept it, which
 * API Gateway answers as AUTHORIZER_FAILURE. `Statement` may be one object or a list, as in any IAM
 * policy; `NotAction` and `NotResource` are not emulated, so a statement without `Action` and
 * `Resource` counts as malformed rather than being silently read as something it is not.
 */
export const policyStatements = (policyDocument: unknown): PolicyStatement[] | undefined => {
  const statement = (policyDocument as { Statement?: unknown } | null | undefined)?.Statement;
  if (statement === undefined || statement === null) return undefined;
  const raw: unknown[] = Array.isArray(statement) ? statement : [statement];
  const statements: PolicyStatement[] = [];
  for (const item of raw) {
    const { Effect, Action, Resource } = (item ?? {}) as Record<string, unknown>;
    if ((Effect !== 'Allow' && Effect !== 'Deny') || !isStringOrList(Action) || !isStringOrList(Resource)) return undefined;
    statements.push({ Effect, Action: list(Action), Resource: list(Resource) });
  }
  return statements;
};

/** IAM's wildcards: `*` any run of characters, `?` any one. */
const wildcardMatches = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

/** Action names are case-insensitive in IAM, resources are not. */
const appliesTo = (statement: PolicyStatement, methodArn: string): boolean =>
  statement.Action.some((action) => wildcardMatches(action.toLowerCase(), 'execute-api:invoke')) && statement.Resource.some((resource) => wildcardMatches(resource, methodArn));

/** IAM's verdict for `execute-api:Invoke` on `methodArn`: an explicit Deny wins; without a matching Allow it is denied. */
export const policyAllows = (statements: readonly PolicyStatement[], methodArn: string): boolean => {
  const applying = statements.filter((statement) => appliesTo(statement, methodArn));
  return !applying.some((statement) => statement.Effect === 'Deny') && applying.some((statement) => statement.Effect === 'Allow');
};
