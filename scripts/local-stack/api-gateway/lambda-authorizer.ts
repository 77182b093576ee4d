import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { invokeLocalFunction } from '../lambda-runtime/invoke-local-function';
import type { InvocationIdentity, LocalFunction } from '../lambda-runtime/local-function';
import type { ResolvedAuthorizer } from '../template/resolve-rest-apis';

/** What a Lambda authorizer answers, as API Gateway reads it. */
interface AuthorizerResponse {
  principalId: string;
  policyDocument: { Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[] };
  context?: Record<string, unknown>;
}

/** The authorizer's verdict on one request; `context` is what `$context.authorizer.*` and the integration see. */
export type AuthorizerVerdict =
  | { kind: 'allow'; context: Record<string, string> }
  | { kind: 'deny'; context: Record<string, string> }
  /** No identity source value, or the function threw `Unauthorized`: 401. */
  | { kind: 'unauthorized' }
  /** The function failed or answered malformed: 500. */
  | { kind: 'failure' };

/**
 * Lambda REQUEST authorizers as API Gateway runs them: identity sources first (a missing one is 401
 * without a call), then the function, whose policy is evaluated against the method ARN (an explicit
 * Deny wins; no matching Allow is a deny). Answers are cached per authorizer and identity source
 * values for the authorizer's TTL, and a cached policy is evaluated against each request's own ARN, so a
 * policy naming one user's paths denies another's with the same token.
 */
export class LambdaAuthorizers {
  readonly #cache = new Map<string, { expiresAt: number; response: AuthorizerResponse }>();

  constructor(
    private readonly functions: Readonly<Record<string, LocalFunction<unknown, unknown>>>,
    private readonly identity: InvocationIdentity,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(authorizer: ResolvedAuthorizer, req: IncomingMessage, query: URLSearchParams, event: APIGatewayProxyEvent, methodArn: string): Promise<AuthorizerVerdict> {
    const values = authorizer.identitySources.map((source) => identityValue(source, req, query));
    if (values.some((value) => !value)) return { kind: 'unauthorized' };
    const key = `${authorizer.logicalId}\u0000${values.join('\u0000')}`;
    const cached = this.#cache.get(key);
    let response = cached && cached.expiresAt > this.now() ? cached.response : undefined;
    if (!response) {
      const fn = this.functions[authorizer.functionLogicalId];
      if (!fn) return { kind: 'failure' };
      try {
        const result = await invokeLocalFunction(fn, requestEvent(event, methodArn), this.identity);
        if (!isResponse(result)) return { kind: 'failure' };
        response = result;
      } catch (error) {
        return (error as Error).message === 'Unauthorized' ? { kind: 'unauthorized' } : { kind: 'failure' };
      }
      if (authorizer.resultTtlSeconds > 0) this.#cache.set(key, { expiresAt: this.now() + authorizer.resultTtlSeconds * 1000, response });
    }
    // API Gateway hands context values on as strings.
    const context = Object.fromEntries(Object.entries({ ...response.context, principalId: response.principalId }).map(([name, value]) => [name, String(value)]));
    return { kind: allows(response, methodArn) ? 'allow' : 'deny', context };
  }
}

const identityValue = (source: string, req: IncomingMessage, query: URLSearchParams): string | undefined => {
  const header = /^method\.request\.header\.(.+)$/i.exec(source)?.[1];
  if (header) {
    const value = req.headers[header.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : value;
  }
  const parameter = /^method\.request\.querystring\.(.+)$/i.exec(source)?.[1];
  return parameter ? (query.get(parameter) ?? undefined) : undefined;
};

const requestEvent = (event: APIGatewayProxyEvent, methodArn: string): APIGatewayRequestAuthorizerEvent => ({
  type: 'REQUEST',
  methodArn,
  resource: event.resource,
  path: event.path,
  httpMethod: event.httpMethod,
  headers: event.headers,
  multiValueHeaders: event.multiValueHeaders,
  queryStringParameters: event.queryStringParameters,
  multiValueQueryStringParameters: event.multiValueQueryStringParameters,
  pathParameters: event.pathParameters,
  stageVariables: event.stageVariables,
  requestContext: { ...event.requestContext, authorizer: undefined },
});

const isResponse = (value: unknown): value is AuthorizerResponse => {
  const response = value as Partial<AuthorizerResponse> | null;
  return typeof response?.principalId === 'string' && Array.isArray(response.policyDocument?.Statement);
};

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** IAM's wildcards in resources: `*` any run of characters, `?` any one. */
const matches = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

const allows = (response: AuthorizerResponse, methodArn: string): boolean => {
  const applying = response.policyDocument.Statement.filter(
    (statement) => list(statement.Action).some((action) => ['execute-api:Invoke', 'execute-api:*', '*'].includes(action)) && list(statement.Resource).some((resource) => matches(resource, methodArn)),
  );
  return !applying.some((statement) => statement.Effect === 'Deny') && applying.some((statement) => statement.Effect === 'Allow');
};
