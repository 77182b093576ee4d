import { allowedActionsOf, resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
const pathOf = (id: string): string => {
  const resource = resources[id];
  if (!resource) return '';
  const parent = (resource.Properties?.ParentId as { Ref?: string } | undefined)?.Ref;
  return `${parent && resources[parent] ? pathOf(parent) : ''}/${resource.Properties?.PathPart as string}`;
};
// The events API's (the inbox API has its own: test/infra/constructs/inbox.test.ts).
const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'))
  .filter((m) => (m.Properties?.RestApiId as { Ref?: string }).Ref === 'EventsApi')
  .map((m) => ({
  route: `${m.Properties?.HttpMethod as string} ${pathOf((m.Properties?.ResourceId as { Ref: string }).Ref)}`,
  authorization: m.Properties?.AuthorizationType,
  apiKeyRequired: m.Properties?.ApiKeyRequired === true,
  integration: JSON.stringify(m.Properties?.Integration),
}));

describe('AdminApi', () => {
  it('adds the four admin routes to the REST API, IAM-authorised and without an API key, to the admin-api function', () => {
    const admin = methods.filter((m) => m.route.includes('/admin/'));
    expect(admin.map((m) => m.route).sort()).toEqual([
      'GET /v1/admin/requests/{requestId}',
      'GET /v1/admin/users/{userId}/profile',
      'POST /v1/admin/users/{userId}/erasures',
      'POST /v1/admin/users/{userId}/exports',
    ]);
    for (const m of admin) expect(m).toMatchObject({ authorization: 'AWS_IAM', apiKeyRequired: false, integration: expect.stringContaining('AdminApiFunction') });
  });

  it('keeps the write key to ingestion: the only route an API key opens is POST /v1/events', () => {
    expect(methods.filter((m) => m.apiKeyRequired).map((m) => m.route)).toEqual(['POST /v1/events']);
    expect(methods.filter((m) => m.authorization !== 'AWS_IAM').map((m) => m.route)).toEqual(['POST /v1/events']);
  });

  it('lets admin-api read a profile, append to the audit trail, start and describe data requests, and read receipts, nothing more', () => {
    const allowed = allowedActionsOf(template, 'AdminApiFunction');
    const own = [...allowed.keys()].filter((action) => !action.startsWith('xray:') && !action.startsWith('logs:')).sort();
    expect(own).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 's3:GetObject', 'states:DescribeExecution', 'states:StartExecution']);
    expect(JSON.stringify(allowed.get('dynamodb:GetItem'))).toContain('Profiles');
    expect(JSON.stringify(allowed.get('dynamodb:PutItem'))).toContain('Audit');
    expect(JSON.stringify(allowed.get('dynamodb:PutItem'))).not.toContain('Profiles');
    expect(JSON.stringify(allowed.get('states:StartExecution'))).toContain('DataRequest');
    expect(JSON.stringify(allowed.get('s3:GetObject'))).toContain('/data-requests/*');
  });
});
