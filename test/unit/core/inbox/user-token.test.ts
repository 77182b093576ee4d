import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { userHashOf, verifyUserToken, type UserTokenSettings } from '../../../../layers/core/inbox/user-token';

const SECRET = 'team-secret';
const NOW = new Date('2026-11-22T12:00:00.000Z');
const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST';

describe('verifyUserToken', () => {
  let settings: UserTokenSettings;
  let sign: (claims: Record<string, unknown>, options?: { expiresAt?: Date; issuer?: string; audience?: string }) => Promise<string>;
  let strangerSign: typeof sign;

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    const stranger = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256' };
    const signer = (key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']) => (claims: Record<string, unknown>, options: { expiresAt?: Date; issuer?: string; audience?: string } = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? 'app-client')
        .setIssuedAt(Math.floor(NOW.getTime() / 1000) - 60)
        .setExpirationTime(Math.floor((options.expiresAt ?? new Date(NOW.getTime() + 3_600_000)).getTime() / 1000))
        .sign(key);
    sign = signer(keys.privateKey);
    strangerSign = signer(stranger.privateKey);
    settings = { hmacSecrets: [SECRET], jwt: { issuer: ISSUER, audience: 'app-client', userClaim: 'sub', keys: createLocalJWKSet({ keys: [jwk] }) }, clock: () => NOW };
  });

  describe('user hashes (HMAC-SHA256 of the user id)', () => {
    it('accepts the hash of the path\'s user, with the current or the previous secret', async () => {
      expect(await verifyUserToken(`UserHash ${userHashOf('alice', SECRET)}`, 'alice', settings)).toEqual({ ok: true, scheme: 'user-hash' });
      expect(await verifyUserToken(`UserHash ${userHashOf('alice', 'old')}`, 'alice', { ...settings, hmacSecrets: [SECRET, 'old'] })).toEqual({ ok: true, scheme: 'user-hash' });
    });

    it('refuses another user\'s hash, a hash under another secret, or any hash when no secret is set', async () => {
      expect(await verifyUserToken(`UserHash ${userHashOf('bob', SECRET)}`, 'alice', settings)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
      expect(await verifyUserToken(`UserHash ${userHashOf('alice', 'guess')}`, 'alice', settings)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
      expect(await verifyUserToken(`UserHash ${userHashOf('alice', SECRET)}`, 'alice', { ...settings, hmacSecrets: [] })).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    });
  });

  it.each([
    [undefined, 'TOKEN_MISSING'],
    ['', 'TOKEN_MISSING'],
    ['local-write-key', 'TOKEN_MALFORMED'],
    ['UserHash abc', 'TOKEN_MALFORMED'],
    ['Basic YWxpY2U6cHc=', 'TOKEN_MALFORMED'],
  ])('refuses %j as %s (a write key reads nothing)', async (authorization, code) => {
    expect(await verifyUserToken(authorization, 'alice', settings)).toMatchObject({ ok: false, code });
  });

  describe('JWTs of the team\'s issuer', () => {
    it('accepts a token whose subject is the path\'s user', async () => {
      expect(await verifyUserToken(`Bearer ${await sign({ sub: 'alice' })}`, 'alice', settings)).toEqual({ ok: true, scheme: 'jwt' });
    });

    it('reads the user id from the configured claim', async () => {
      const token = await sign({ sub: 'uuid-1', 'custom:userId': 'alice' });
      expect(await verifyUserToken(`Bearer ${token}`, 'alice', { ...settings, jwt: { ...settings.jwt!, userClaim: 'custom:userId' } })).toEqual({ ok: true, scheme: 'jwt' });
    });

    it.each([
      ['another user', async () => sign({ sub: 'bob' }), 'TOKEN_NOT_FOR_USER'],
      ['an expired token', async () => sign({ sub: 'alice' }, { expiresAt: new Date(NOW.getTime() - 120_000) }), 'TOKEN_EXPIRED'],
      ['another issuer', async () => sign({ sub: 'alice' }, { issuer: 'https://evil.example.com' }), 'TOKEN_INVALID'],
      ['another audience', async () => sign({ sub: 'alice' }, { audience: 'other-app' }), 'TOKEN_INVALID'],
      ['a key the issuer does not publish', async () => strangerSign({ sub: 'alice' }), 'TOKEN_INVALID'],
    ])('refuses %s', async (_case, make, code) => {
      expect(await verifyUserToken(`Bearer ${await make()}`, 'alice', settings)).toMatchObject({ ok: false, code });
    });

    it('refuses every JWT when no issuer is configured', async () => {
      const { jwt: _jwt, ...hmacOnly } = settings;
      expect(await verifyUserToken(`Bearer ${await sign({ sub: 'alice' })}`, 'alice', hmacOnly)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    });
  });
});
