import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { startApiGatewayServer, type ApiFunction, type ApiGatewayServer, type ApiRequestReport } from '../../../scripts/local-stack/api-gateway';
import { resolveRestApis, type ResolvedRestApi } from '../../../scripts/local-stack/provision-from-template';
import { LOCAL_IDENTITY } from './support/emulator-clients';
import { synthTestTemplate, TEST_API_KEY } from './support/synth-test-template';

type Behaviour = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

describe('API Gateway emulation', () => {
  let api: ResolvedRestApi;
  let server: ApiGatewayServer;
  let behaviour: Behaviour;
  let clock = 0;
  const events: APIGatewayProxyEvent[] = [];
  const reports: ApiRequestReport[] = [];

  const fn: ApiFunction = {
    name: 'worker',
    timeoutSeconds: 0.2,
    handler: async (event) => {
      events.push(event);
      return behaviour(event);
    },
  };

  beforeAll(async () => {
    const [resolved] = resolveRestApis(synthTestTemplate());
    if (!resolved) throw new Error('the test template has no REST API');
    api = resolved;
    const integration = api.methods.find((method) => method.httpMethod === 'POST')?.integration.functionLogicalId ?? '';
    server = await startApiGatewayServer({
      api,
      functions: { [integration]: fn },
      apiKeys: [TEST_API_KEY],
      identity: LOCAL_IDENTITY,
      // Time stands still unless a test moves it, so the throttle only refills when told to.
      now: () => clock,
      onRequest: (report) => reports.push(report),
    });
  });

  beforeEach(() => {
    events.length = 0;
    reports.length = 0;
    // A full bucket for every test: a minute is plenty of refill at 1 request per second.
    clock += 60_000;
    behaviour = async (event) => ({ statusCode: 202, headers: { 'X-Handled': 'yes' }, body: JSON.stringify({ got: JSON.parse(event.body ?? 'null') }) });
  });

  afterAll(async () => {
    await server?.stop();
  });

  const post = (path: string, body: string, headers: Record<string, string> = { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' }) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers, body });

  it('invokes the integration with a REST v1 proxy event and writes back its response', async () => {
    // Act
    const response = await post('/test/items?dry=1&dry=2', JSON.stringify({ name: 'socks', count: 9 }));

    // Assess
    expect(response.status).toBe(202);
    expect(response.headers.get('x-handled')).toBe('yes');
    expect(await response.json()).toEqual({ got: { name: 'socks', count: 9 } });
    const [event] = events;
    expect(event).toMatchObject({
      resource: '/items',
      path: '/items',
      httpMethod: 'POST',
      body: '{"name":"socks","count":9}',
      isBase64Encoded: false,
      pathParameters: null,
      queryStringParameters: { dry: '2' },
      multiValueQueryStringParameters: { dry: ['1', '2'] },
      requestContext: {
        stage: 'test',
        path: '/test/items',
        resourcePath: '/items',
        httpMethod: 'POST',
        accountId: '000000000000',
        requestId: expect.any(String),
        requestTimeEpoch: expect.any(Number),
        identity: expect.objectContaining({ sourceIp: '127.0.0.1', apiKey: TEST_API_KEY }),
      },
    });
    expect(event?.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(event?.multiValueHeaders['content-type']).toEqual(['application/json']);
    expect(reports).toEqual([expect.objectContaining({ statusCode: 202, httpMethod: 'POST', path: '/items' })]);
  });

  it('routes path parameters, with or without the stage prefix, and needs no key where none is required', async () => {
    behaviour = async (event) => ({ statusCode: 200, body: event.pathParameters?.id ?? '' });

    const withStage = await fetch(`${server.url}/test/items/42`);
    const withoutStage = await fetch(`${server.url}/items/43`);

    expect([withStage.status, await withStage.text()]).toEqual([200, '42']);
    expect([withoutStage.status, await withoutStage.text()]).toEqual([200, '43']);
    expect(events[0]).toMatchObject({ resource: '/items/{id}', path: '/items/42', pathParameters: { id: '42' } });
  });

  it('403 with the template gateway response for a missing or unknown API key', async () => {
    const missing = await post('/items', '{"name":"a"}', { 'content-type': 'application/json' });
    const wrong = await post('/items', '{"name":"a"}', { 'content-type': 'application/json', 'x-api-key': 'nope' });

    expect([missing.status, await missing.json()]).toEqual([403, { error: { code: 'INVALID_API_KEY' } }]);
    expect([wrong.status, await wrong.json()]).toEqual([403, { error: { code: 'INVALID_API_KEY' } }]);
    expect(events).toHaveLength(0);
  });

  it("403 Missing Authentication Token (API Gateway's default) for an unknown route or method", async () => {
    const unknownPath = await fetch(`${server.url}/nowhere`);
    const unknownMethod = await fetch(`${server.url}/items`, { method: 'DELETE' });

    expect([unknownPath.status, await unknownPath.json()]).toEqual([403, { message: 'Missing Authentication Token' }]);
    expect(unknownMethod.status).toBe(403);
    expect(unknownPath.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('400 with the template gateway response when the body does not match the model', async () => {
    const missingName = await post('/items', JSON.stringify({ count: 1 }));
    // Draft-04 exclusiveMaximum: 10 is out of range.
    const tooMany = await post('/items', JSON.stringify({ name: 'a', count: 10 }));

    expect(missingName.status).toBe(400);
    const body = (await missingName.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('INVALID');
    expect(body.error.message).toMatch(/^bad body: \[.*name.*\]$/);
    expect(body.error.requestId).toBe(missingName.headers.get('x-amzn-requestid'));
    expect(tooMany.status).toBe(400);
    expect(events).toHaveLength(0);
  });

  it('400 for malformed JSON', async () => {
    const response = await post('/items', '{"name":');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID');
  });

  it('413 for a body over 10 MiB', async () => {
    const response = await post('/items', JSON.stringify({ name: 'x'.repeat(10 * 1_048_576) }));

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Too Long' });
  });

  it('429 with the template gateway response past the usage plan burst; the bucket refills at the rate limit', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await post('/items', '{"name":"a"}')).status);
    const throttled = await post('/items', '{"name":"a"}');
    clock += 1_000;
    const afterRefill = await post('/items', '{"name":"a"}');

    expect(statuses).toEqual([202, 202, 202, 429]);
    expect([throttled.status, throttled.headers.get('retry-after'), await throttled.json()]).toEqual([429, '1', { error: { code: 'THROTTLED' } }]);
    expect(afterRefill.status).toBe(202);
  });

  it('502 when the function throws or answers malformed; 504 past its timeout', async () => {
    behaviour = async () => {
      throw new Error('boom');
    };
    const thrown = await post('/items', '{"name":"a"}');
    behaviour = async () => ({ body: 'no status' }) as unknown as APIGatewayProxyResult;
    const malformed = await post('/items', '{"name":"a"}');
    behaviour = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'late' }), 1_000));
    const slow = await post('/items', '{"name":"a"}');

    expect([thrown.status, await thrown.json()]).toEqual([502, { error: { code: 'INTERNAL', message: 'Internal server error' } }]);
    expect(malformed.status).toBe(502);
    expect([slow.status, await slow.json()]).toEqual([504, { error: { code: 'INTERNAL', message: 'Endpoint request timed out' } }]);
  });
});
