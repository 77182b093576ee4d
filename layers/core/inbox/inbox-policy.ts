import type { TokenFailure } from './user-token';

/** An API Gateway Lambda authorizer's answer (REQUEST type, REST API). */
export interface AuthorizerResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string[] }[] };
  /** Available to the integration (`requestContext.authorizer`) and to gateway responses (`$context.authorizer.*`). */
  context: Record<string, string>;
}

/** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/v1/users/<user>/messages[/<id>]` */
const METHOD_ARN = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\/[A-Z]+\/v1\/users\/([^/]+)\/messages(\/[^/]+)?$/;

/**
 * Allows the user's own inbox routes, and only those: were an answer ever reused for another request
 * (API Gateway's authorizer cache, off here: infra/constructs/inbox.ts), it would deny any other user's
 * path. Its context carries `TOKEN_NOT_FOR_USER` for that case: the gateway's 401 shows
 * `$context.authorizer.code`, and an allow only produces a denial on another user's path.
 */
export const allowUser = (methodArn: string, userId: string): AuthorizerResult | undefined => {
  const match = METHOD_ARN.exec(methodArn);
  // `*` and `?` are wildcards in policy resources: an id holding them could name other users' paths.
  if (!match || /[*?]/.test(match[2]!)) return undefined;
  const [, base, segment] = match;
  return {
    principalId: userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${base}/GET/v1/users/${segment}/messages`, `${base}/POST/v1/users/${segment}/messages/*`] }],
    },
    context: { userId, code: 'TOKEN_NOT_FOR_USER' },
  };
};

/** Denies the request; the gateway's 401 names `code`. Never cached as an allow for anyone. */
export const deny = (methodArn: string, code: TokenFailure | 'INVALID_USER_ID'): AuthorizerResult => ({
  principalId: 'anonymous',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [methodArn] }] },
  context: { code },
});
