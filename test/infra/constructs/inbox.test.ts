import { allowedActionsOf, resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const ofInboxApi = (resource: { Properties?: Record<string, unknown> }) => (resource.Properties?.RestApiId as { Ref?: string } | undefined)?.Ref === 'InboxApi';
const own = (functionLogicalId: string) => {
  const allowed = allowedActionsOf(template, functionLogicalId);
  return { allowed, actions: [...allowed.keys()].filter((action) => !action.startsWith('xray:') && !action.startsWith('logs:')).sort() };
};

describe('Inbox', () => {
  it('keeps in-app messages in Inbox, keyed by user and a time-ordered sort key, removed by TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('serves the two routes on an API of its own, through a REQUEST authorizer on the Authorization header, and no API key', () => {
    const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method')).filter(ofInboxApi);
    const routes = methods.filter((m) => m.Properties?.HttpMethod !== 'OPTIONS');
    expect(routes.map((m) => m.Properties?.HttpMethod).sort()).toEqual(['GET', 'POST']);
    for (const route of routes) expect(route.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: expect.any(String) } });
    expect(methods.some((m) => m.Properties?.ApiKeyRequired === true)).toBe(false);
    expect(Object.values(resourcesOfType(template, 'AWS::ApiGateway::UsagePlan')).some((plan) => JSON.stringify(plan).includes('InboxApi'))).toBe(false);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      // Off: a user hash's verdict depends on the path (infra/constructs/inbox.ts).
      AuthorizerResultTtlInSeconds: 0,
      RestApiId: { Ref: 'InboxApi' },
    });
  });

  it('answers token problems with 401 and a code: missing, and the authorizer\'s own', () => {
    const responses = Object.values(resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')).filter(ofInboxApi);
    const byType = new Map(responses.map((r) => [r.Properties?.ResponseType as string, r.Properties!]));
    expect(byType.get('UNAUTHORIZED')).toMatchObject({ StatusCode: '401', ResponseTemplates: { 'application/json': expect.stringContaining('"code":"TOKEN_MISSING"') } });
    expect(byType.get('ACCESS_DENIED')).toMatchObject({ StatusCode: '401', ResponseTemplates: { 'application/json': expect.stringContaining('"code":"$context.authorizer.code"') } });
    for (const response of byType.values()) expect(response.ResponseParameters).toMatchObject({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" });
  });

  it('gives each function only what it calls', () => {
    expect(own('InboxAuthorizerFunction').actions).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    const api = own('InboxApiFunction');
    expect(api.actions).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'kinesis:PutRecords']);
    expect(JSON.stringify(api.allowed.get('dynamodb:Query'))).toContain('Inbox');
    const deliver = own('DeliverFunction').allowed;
    expect(JSON.stringify(deliver.get('dynamodb:PutItem'))).toContain('Inbox');
  });
});
