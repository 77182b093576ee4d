import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { SecretsManagerSigningSecrets } from '../../layers/adapters/secrets-manager-signing-secrets';
import { systemClock, type Clock } from '../../layers/core/clock';
import { allowUser, deny, type AuthorizerResult } from '../../layers/core/inbox/inbox-policy';
import { verifyUserToken, type JwtSettings } from '../../layers/core/inbox/user-token';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import type { Environment } from '../../layers/runtime/config';
import { INBOX_AUTHORIZER_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface InboxAuthorizerOverrides {
  /** The signing secrets (the local stack's own); default: the Secrets Manager secret of the environment. */
  signingSecrets?: () => Promise<readonly string[]>;
  /** The identity provider's keys; default: fetched from the JWKS URL. */
  jwtKeys?: JWTVerifyGetKey;
  clock?: Clock;
}

/**
 * The inbox routes' Lambda REQUEST authorizer: a user hash or a JWT that proves the path's user gets
 * an allow for that user's routes; anything else a deny whose code the gateway's 401 shows.
 */
export const createInboxAuthorizerHandler = (env: Environment, overrides: InboxAuthorizerOverrides = {}) => {
  const config = INBOX_AUTHORIZER_CONFIG.parse(env);
  const observability = createObservability('inbox-authorizer');
  const { logger, metrics } = observability;
  const clock = overrides.clock ?? systemClock;
  const secretArn = config.INBOX_SIGNING_SECRET_ARN;
  const stored = secretArn ? new SecretsManagerSigningSecrets(observability.tracer.captureAWSv3Client(new SecretsManagerClient(awsClientConfig())), secretArn) : undefined;
  const signingSecrets = overrides.signingSecrets ?? (async () => (stored ? stored.values() : []));
  const issuer = config.INBOX_JWT_ISSUER;
  const jwt: JwtSettings | undefined = issuer
    ? {
        issuer,
        ...(config.INBOX_JWT_AUDIENCE && { audience: config.INBOX_JWT_AUDIENCE }),
        userClaim: config.INBOX_JWT_USER_CLAIM,
        keys: overrides.jwtKeys ?? createRemoteJWKSet(new URL(config.INBOX_JWT_JWKS_URL ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`)),
      }
    : undefined;

  return withObservability(async (event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerResult> => {
    const userId = event.pathParameters?.userId ?? '';
    const authorization = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    const verdict = await verifyUserToken(authorization, userId, { hmacSecrets: await signingSecrets(), ...(jwt && { jwt }), clock });
    const result = verdict.ok ? (allowUser(event.methodArn, userId) ?? deny(event.methodArn, 'INVALID_USER_ID')) : deny(event.methodArn, verdict.code);
    const outcome = result.policyDocument.Statement[0]!.Effect === 'Allow' ? 'allowed' : result.context.code!;
    metrics.addMetric(outcome === 'allowed' ? 'InboxTokensAccepted' : 'InboxTokensRefused', MetricUnit.Count, 1);
    // The scheme and the code only: never the token or the user id.
    logger.info('inbox token checked', { outcome, ...(verdict.ok && { scheme: verdict.scheme }) });
    return result;
  }, observability);
};

export const handler = lazyHandler(() => createInboxAuthorizerHandler(process.env));
