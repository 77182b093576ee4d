import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { startApiGatewayServer, type ApiFunction, type ApiGatewayServer } from '../../../scripts/local-stack/api-gateway';
import type { ResolvedRestApi } from '../../../scripts/local-stack/provision-from-template';
import { LOCAL_IDENTITY } from './support/emulator-clients';

/** A REST API as resolveRestApis gives it: one CUSTOM method behind a REQUEST authorizer cached 60 s. */
const api: ResolvedRestApi = {
  logicalId: 'InboxApi',
  name: 'inbox',
  stageName: 'live',
  methods: [
    {
      logicalId: 'Get',
      httpMethod: 'GET',
      resourcePath: '/v1/users/{userId}/messages',
      apiKeyRequired: false,
      authorizationType: 'CUSTOM',
      authorizer: { logicalId: 'Authorizer', type: 'REQUEST', functionLogicalId: 'AuthorizerFn', identitySources: ['method.request.header.Authorization'], resultTtlSeconds: 60 },
      requestModels: {},
      validateRequestBody: false,
      integration: { type: 'AWS_PROXY', functionLogicalId: 'ApiFn' },
    },
  ],
  gatewayResponses: {
    ACCESS_DENIED: { responseType: 'ACCESS_DENIED', statusCode: 401, responseTemplates: { 'application/json': '{"error":{"code":"$context.authorizer.code"}}' }, responseParameters: {} },
  },
  apiKeys: [],
};

const API_KEY = 'bare-key';

/** The same method with no gateway responses of its own but INVALID_API_KEY's, a query string token, no cache, and a key. */
const bareApi: ResolvedRestApi = {
  ...api,
  logicalId: 'BareApi',
  methods: api.methods.map((method) => ({
    ...method,
    apiKeyRequired: true,
    authorizer: { logicalId: 'QueryAuthorizer', type: 'REQUEST', functionLogicalId: 'AuthorizerFn', identitySources: ['method.request.querystring.token'], resultTtlSeconds: 0 },
  })),
  gatewayResponses: {
    INVALID_API_KEY: { responseType: 'INVALID_API_KEY', responseTemplates: { 'application/json': '{"who":"$context.authorizer.principalId","unknown":"$context.authorizer.nope"}' }, responseParameters: {} },
  },
};

describe('API Gateway emulation: Lambda REQUEST authorizers', () => {
  let server: ApiGatewayServer;
  let bareServer: ApiGatewayServer;
  let clock = 0;
  const authorizerCalls: APIGatewayRequestAuthorizerEvent[] = [];
  const integrationCalls: APIGatewayProxyEvent[] = [];

  /**
   * Allows `Bearer good-<user>` on that user's path only; denies `Bearer bad`; throws for `throw` and
   * `crash`; answers malformed for `malformed` (no policy), `no-resource` (a statement without
   * Resource) and `nested` (an object in the context).
   */
  const authorizer: ApiFunction = {
    name: 'authorizer',
    timeoutSeconds: 1,
    handler: (async (event: APIGatewayRequestAuthorizerEvent) => {
      authorizerCalls.push(event);
      const token = event.headers?.Authorization ?? event.queryStringParameters?.token ?? '';
      if (token === 'Bearer throw') throw new Error('Unauthorized');
      if (token === 'Bearer crash') throw new Error('boom');
      if (token === 'Bearer malformed') return { principalId: 'x' };
      if (token === 'Bearer no-resource') return { principalId: 'x', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow' }] } };
      if (token === 'Bearer nested') return { principalId: 'x', policyDocument: { Version: '2012-10-17', Statement: [] }, context: { user: { id: 'ann' } } };
      const user = /^Bearer good-(\w+)$/.exec(token)?.[1];
      const base = event.methodArn.split('/').slice(0, 2).join('/');
      return user
        ? { principalId: user, policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${base}/GET/v1/users/${user}/messages` }] }, context: { userId: user, tier: 3, code: 'TOKEN_NOT_FOR_USER' } }
        : { principalId: 'x', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }] }, context: { code: 'TOKEN_INVALID' } };
    }) as unknown as ApiFunction['handler'],
  };
  const integration: ApiFunction = {
    name: 'api',
    timeoutSeconds: 1,
    handler: async (event) => {
      integrationCalls.push(event);
      return { statusCode: 200, body: JSON.stringify({ ok: true }) };
    },
  };

  beforeAll(async () => {
    server = await startApiGatewayServer({ api, functions: { AuthorizerFn: authorizer, ApiFn: integration }, apiKeys: [], identity: LOCAL_IDENTITY, now: () => clock });
    bareServer = await startApiGatewayServer({ api: bareApi, functions: { AuthorizerFn: authorizer, ApiFn: integration }, apiKeys: [API_KEY], identity: LOCAL_IDENTITY, now: () => clock });
  });
  afterAll(async () => {
    await server?.stop();
    await bareServer?.stop();
  });
  beforeEach(() => {
    authorizerCalls.length = 0;
    integrationCalls.length = 0;
    clock += 3_600_000; // every test starts with an empty cache
  });

  const get = async (user: string, authorization?: string) => {
    const response = await fetch(`${server.url}/live/v1/users/${user}/messages`, { headers: authorization !== undefined ? { Authorization: authorization } : {} });
    return { status: response.status, body: (await response.json()) as { error?: { code?: string }; message?: string | null } };
  };

  it('answers 401 without calling the authorizer when the identity source is missing or empty', async () => {
    expect(await get('ann')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(await get('ann', '')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(authorizerCalls).toHaveLength(0);
  });

  it('passes an allowed request on with the authorizer\'s context as strings, and the method ARN it was judged on', async () => {
    expect((await get('ann', 'Bearer good-ann')).status).toBe(200);
    expect(authorizerCalls[0]).toMatchObject({ type: 'REQUEST', methodArn: `arn:aws:execute-api:${LOCAL_IDENTITY.region}:${LOCAL_IDENTITY.accountId}:inboxapi/live/GET/v1/users/ann/messages`, pathParameters: { userId: 'ann' } });
    expect(integrationCalls[0]?.requestContext.authorizer).toEqual({ principalId: 'ann', userId: 'ann', tier: '3', code: 'TOKEN_NOT_FOR_USER' });
  });

  it('evaluates a cached policy against each request: the same token on another user\'s path is denied, with one call', async () => {
    await get('ann', 'Bearer good-ann');
    const other = await get('ben', 'Bearer good-ann');
    expect(other).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_NOT_FOR_USER' } } });
    expect(authorizerCalls).toHaveLength(1);
    expect(integrationCalls).toHaveLength(1);
  });

  it('calls the authorizer again once the cached answer expires', async () => {
    await get('ann', 'Bearer good-ann');
    clock += 61_000;
    await get('ann', 'Bearer good-ann');
    expect(authorizerCalls).toHaveLength(2);
  });

  it('renders a denial with $context.authorizer.*, a thrown Unauthorized as 401 and any other failure as 500', async () => {
    expect(await get('ann', 'Bearer bad')).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_INVALID' } } });
    expect(await get('ann', 'Bearer throw')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect((await get('ann', 'Bearer crash')).status).toBe(500);
    expect(integrationCalls).toHaveLength(0);
  });

  it('caches a denial but not a thrown Unauthorized', async () => {
    await get('ann', 'Bearer bad');
    expect(await get('ann', 'Bearer bad')).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_INVALID' } } });
    await get('ann', 'Bearer throw');
    await get('ann', 'Bearer throw');
    expect(authorizerCalls.map((event) => event.headers?.Authorization)).toEqual(['Bearer bad', 'Bearer throw', 'Bearer throw']);
  });

  describe('with API Gateway\'s default responses, a query string identity source, no cache and an API key', () => {
    const send = async (query: string, headers: Record<string, string> = { 'x-api-key': API_KEY }) => {
      const response = await fetch(`${bareServer.url}/live/v1/users/ann/messages${query}`, { headers });
      return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: (await response.json()) as unknown };
    };

    it('401 UnauthorizedException for a missing or empty query string parameter, without a call', async () => {
      expect(await send('')).toEqual({ status: 401, errorType: 'UnauthorizedException', body: { message: 'Unauthorized' } });
      expect(await send('?token=')).toEqual({ status: 401, errorType: 'UnauthorizedException', body: { message: 'Unauthorized' } });
      expect(authorizerCalls).toHaveLength(0);
    });

    it('403 AccessDeniedException for a denial, and a call for every request with a TTL of 0', async () => {
      const denied = { status: 403, errorType: 'AccessDeniedException', body: { message: 'User is not authorized to access this resource with an explicit deny' } };
      expect(await send('?token=Bearer%20bad')).toEqual(denied);
      expect(await send('?token=Bearer%20bad')).toEqual(denied);
      expect(authorizerCalls).toHaveLength(2);
    });

    it('500 AuthorizerConfigurationException {"message":null} when the function crashes or answers malformed', async () => {
      const failure = { status: 500, errorType: 'AuthorizerConfigurationException', body: { message: null } };
      expect(await send('?token=Bearer%20crash')).toEqual(failure);
      expect(await send('?token=Bearer%20malformed')).toEqual(failure);
      expect(await send('?token=Bearer%20no-resource')).toEqual(failure);
      expect(await send('?token=Bearer%20nested')).toEqual(failure);
      expect(integrationCalls).toHaveLength(0);
    });

    it('checks the API key after the authorizer, whose context later gateway responses can still show', async () => {
      expect(await send('?token=Bearer%20good-ann', {})).toEqual({ status: 403, errorType: 'ForbiddenException', body: { who: 'ann', unknown: '' } });
      expect((await send('?token=Bearer%20good-ann')).status).toBe(200);
      expect(authorizerCalls).toHaveLength(2);
    });

    it('gives a TOKEN authorizer its own event: the token and the method ARN', async () => {
      const tokenApi: ResolvedRestApi = { ...bareApi, methods: bareApi.methods.map((method) => ({ ...method, apiKeyRequired: false, authorizer: { ...method.authorizer!, type: 'TOKEN' } })) };
      const seen: unknown[] = [];
      const tokenAuthorizer: ApiFunction = {
        name: 'token-authorizer',
        handler: (async (event: unknown) => {
          seen.push(event);
          throw new Error('Unauthorized');
        }) as unknown as ApiFunction['handler'],
      };
      const tokenServer = await startApiGatewayServer({ api: tokenApi, functions: { AuthorizerFn: tokenAuthorizer, ApiFn: integration }, apiKeys: [], identity: LOCAL_IDENTITY });
      try {
        expect((await fetch(`${tokenServer.url}/live/v1/users/ann/messages?token=abc`)).status).toBe(401);
      } finally {
        await tokenServer.stop();
      }
      expect(seen).toEqual([{ type: 'TOKEN', authorizationToken: 'abc', methodArn: expect.stringMatching(/:bareapi\/live\/GET\/v1\/users\/ann\/messages$/) }]);
    });
  });
});
