import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { invokeLocalFunction } from '../lambda-runtime/invoke-local-function';
import type { InvocationIdentity, LocalFunction } from '../lambda-runtime/local-function';
import type { ResolvedAuthorizer } from '../template/resolve-rest-apis';
import { policyAllows, policyStatements, type PolicyStatement } from './execute-api-policy';

/** The authorizer's verdict on one request; `context` is what `$context.authorizer.*` and the integration see. */
export type AuthorizerVerdict =
  | { kind: 'allow'; context: Record<string, string> }
  | { kind: 'deny'; context: Record<string, string> }
  /** No identity source value, or the function threw `Unauthorized`: 401. */
  | { kind: 'unauthorized' }
  /** The function failed, timed out or answered malformed: 500. */
  | { kind: 'failure' };

/** What API Gateway keeps (and caches) of a well-formed answer: the policy, and the context as strings. */
interface AuthorizerAnswer {
  readonly statements: readonly PolicyStatement[];
  readonly context: Record<string, string>;
}

const UNAUTHORIZED = { kind: 'unauthorized' } as const;
const FAILURE = { kind: 'failure' } as const;

/**
 * Lambda authorizers as API Gateway runs them: identity sources first (a missing or empty one is 401
 * without a call), then the function, whose policy is evaluated against the method ARN (an explicit
 * Deny wins; no matching Allow is a deny). Well-formed answers are cached per authorizer and identity
 * source values for the authorizer's TTL, and a cached policy is evaluated against each request's own
 * ARN, so a policy naming one user's paths denies another's with the same token.
 */
export class LambdaAuthorizers {
  readonly #cache = new Map<string, { expiresAt: number; answer: AuthorizerAnswer }>();

  constructor(
    private readonly functions: Readonly<Record<string, LocalFunction<unknown, unknown>>>,
    private readonly identity: InvocationIdentity,
    private readonly now: () => number = Date.now,
  ) {}

  /** `event` is the proxy event the integration would get; the authorizer's event is made from it. */
  async authorize(authorizer: ResolvedAuthorizer, event: APIGatewayProxyEvent): Promise<AuthorizerVerdict> {
    const values = authorizer.identitySources.map((source) => identityValue(source, event));
    if (!values.every(Boolean)) return UNAUTHORIZED;
    const methodArn = methodArnOf(event, this.identity.region);
    const key = `${authorizer.logicalId}\u0000${values.join('\u0000')}`;
    let answer = this.#cached(key);
    if (!answer) {
      const outcome = await this.#invoke(authorizer, authorizerEvent(authorizer, values as string[], event, methodArn));
      if ('kind' in outcome) return outcome;
      answer = outcome;
      if (authorizer.resultTtlSeconds > 0) this.#cache.set(key, { expiresAt: this.now() + authorizer.resultTtlSeconds * 1000, answer });
    }
    return { kind: policyAllows(answer.statements, methodArn) ? 'allow' : 'deny', context: answer.context };
  }

  #cached(key: string): AuthorizerAnswer | undefined {
    const entry = this.#cache.get(key);
    if (entry && entry.expiresAt > this.now()) return entry.answer;
    this.#cache.delete(key); // a long-running local stack would otherwise keep every token it saw
    return undefined;
  }

  async #invoke(authorizer: ResolvedAuthorizer, event: AuthorizerEvent): Promise<AuthorizerAnswer | typeof UNAUTHORIZED | typeof FAILURE> {
    const fn = this.functions[authorizer.functionLogicalId];
    if (!fn) return FAILURE;
    try {
      return readAnswer(await invokeLocalFunction(fn, event, this.identity)) ?? FAILURE;
    } catch (error) {
      // Lambda reports a thrown string as its message too; anything else (a timeout included) is a failure.
      const message = error instanceof Error ? error.message : error;
      return message === 'Unauthorized' ? UNAUTHORIZED : FAILURE;
    }
  }
}

type AuthorizerEvent = APIGatewayRequestAuthorizerEvent | APIGatewayTokenAuthorizerEvent;

/** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path without its leading slash>`. */
const methodArnOf = (event: APIGatewayProxyEvent, region: string): string => {
  const { accountId, apiId, stage } = event.requestContext;
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${event.httpMethod.toUpperCase()}/${event.path.replace(/^\//, '')}`;
};

/** The value of `method.request.header.X` (any case) or `method.request.querystring.x`. */
const identityValue = (source: string, event: APIGatewayProxyEvent): string | undefined => {
  const header = /^method\.request\.header\.(.+)$/i.exec(source)?.[1]?.toLowerCase();
  if (header) return Object.entries(event.headers).find(([name]) => name.toLowerCase() === header)?.[1];
  const parameter = /^method\.request\.querystring\.(.+)$/i.exec(source)?.[1];
  return parameter ? event.queryStringParameters?.[parameter] : undefined;
};

const authorizerEvent = (authorizer: ResolvedAuthorizer, values: readonly string[], event: APIGatewayProxyEvent, methodArn: string): AuthorizerEvent =>
  authorizer.type === 'TOKEN'
    ? { type: 'TOKEN', authorizationToken: values[0] ?? '', methodArn }
    : {
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
      };

/**
 * The answer as API Gateway reads it: a string `principalId`, a valid policy, and a flat context.
 * Context values reach `$context.authorizer.*` as strings; an object or array among them is an
 * AuthorizerConfigurationException in API Gateway, so it makes the answer malformed here too.
 */
const readAnswer = (result: unknown): AuthorizerAnswer | undefined => {
  const { principalId, policyDocument, context } = (result ?? {}) as Record<string, unknown>;
  const statements = policyStatements(policyDocument);
  if (typeof principalId !== 'string' || !statements || (context != null && (typeof context !== 'object' || Array.isArray(context)))) return undefined;
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(context ?? {})) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') return undefined;
    strings[name] = String(value);
  }
  return { statements, context: { ...strings, principalId } };
};
