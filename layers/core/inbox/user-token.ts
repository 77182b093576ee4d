import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Why a request's token does not let it read a user's inbox: the `code` of the 401. */
export type TokenFailure = 'TOKEN_MISSING' | 'TOKEN_MALFORMED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_NOT_FOR_USER';

export type TokenVerdict = { ok: true; scheme: 'user-hash' | 'jwt' } | { ok: false; code: TokenFailure; message: string };

/** The team's identity provider (Cognito or any OIDC issuer), when apps sign users in with it. */
export interface JwtSettings {
  issuer: string;
  audience?: string;
  /** The claim that holds the app's user id: `sub` unless the ids differ (Cognito: a custom attribute). */
  userClaim: string;
  /** The issuer's signing keys (jose's remote JWKS: fetched once, cached, refreshed on an unknown `kid`). */
  keys: JWTVerifyGetKey;
}

export interface UserTokenSettings {
  /** Secrets the app's backend signs user ids with; more than one while a secret is being rotated. */
  hmacSecrets: readonly string[];
  jwt?: JwtSettings;
  clock: () => Date;
}

const USER_HASH = /^UserHash ([0-9a-f]{64})$/;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** A JWT's `exp`/`nbf` may be this far off the verifier's clock. */
const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * The identity-verification hash of a user id (the scheme Intercom and Novu use): the app's backend
 * computes it with the product's secret and hands it to the app with the user id.
 */
export const userHashOf = (userId: string, secret: string): string => createHmac('sha256', secret).update(userId, 'utf8').digest('hex');

/**
 * Whether `authorization` (the header's value) proves the caller is `userId`: `UserHash <hex>` checked
 * in constant time against each secret, or `Bearer <JWT>` verified against the issuer's keys, issuer,
 * audience and expiry, whose user claim must be `userId`. A write key is neither, so it reads nothing.
 */
export const verifyUserToken = async (authorization: string | undefined, userId: string, settings: UserTokenSettings): Promise<TokenVerdict> => {
  const value = authorization?.trim();
  if (!value) return failure('TOKEN_MISSING', 'send Authorization: UserHash <hash> or Bearer <JWT>');
  const hash = USER_HASH.exec(value)?.[1];
  if (hash !== undefined) return verifyUserHash(hash, userId, settings.hmacSecrets);
  const jwt = BEARER.exec(value)?.[1];
  if (jwt !== undefined) return settings.jwt ? verifyJwt(jwt, userId, settings.jwt, settings.clock()) : failure('TOKEN_INVALID', 'JWTs are not accepted: no identity provider is configured');
  return failure('TOKEN_MALFORMED', 'Authorization must be UserHash <64 hex digits> or Bearer <JWT>');
};

const verifyUserHash = (hash: string, userId: string, secrets: readonly string[]): TokenVerdict => {
  if (secrets.length === 0) return failure('TOKEN_INVALID', 'user hashes are not accepted: no signing secret is configured');
  const given = Buffer.from(hash, 'hex');
  const matches = secrets.some((secret) => timingSafeEqual(given, Buffer.from(userHashOf(userId, secret), 'hex')));
  // A hash of another user's id is indistinguishable from a wrong one, by design.
  return matches ? { ok: true, scheme: 'user-hash' } : failure('TOKEN_INVALID', 'the user hash does not match this user id');
};

const verifyJwt = async (token: string, userId: string, settings: JwtSettings, now: Date): Promise<TokenVerdict> => {
  try {
    const { payload } = await jwtVerify(token, settings.keys, {
      issuer: settings.issuer,
      ...(settings.audience && { audience: settings.audience }),
      algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    });
    return payload[settings.userClaim] === userId ? { ok: true, scheme: 'jwt' } : failure('TOKEN_NOT_FOR_USER', `the token's ${settings.userClaim} is another user`);
  } catch (error) {
    if (error instanceof errors.JWTExpired) return failure('TOKEN_EXPIRED', 'the JWT has expired');
    if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) return failure('TOKEN_INVALID', `the JWT is not valid (${error.code})`);
    // The issuer's keys could not be fetched: not the caller's fault.
    throw error;
  }
};

const failure = (code: TokenFailure, message: string): TokenVerdict => ({ ok: false, code, message });
