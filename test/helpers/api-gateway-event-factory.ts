import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A REST API (v1) proxy event for `POST /v1/events`, as API Gateway sends it to the ingest function. */
export const apiGatewayEventFactory = (body: unknown, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent => ({
  resource: '/v1/events',
  path: '/v1/events',
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json' },
  multiValueHeaders: { 'Content-Type': ['application/json'] },
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  isBase64Encoded: false,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  requestContext: {
    accountId: '000000000000',
    apiId: 'local',
    authorizer: null,
    protocol: 'HTTP/1.1',
    httpMethod: 'POST',
    identity: { sourceIp: '203.0.113.7' } as APIGatewayProxyEvent['requestContext']['identity'],
    path: '/v1/events',
    stage: 'v1',
    requestId: 'req-1',
    requestTimeEpoch: 0,
    resourceId: 'res',
    resourcePath: '/v1/events',
  },
  ...overrides,
});
