import type { APIGatewayProxyEvent } from 'aws-lambda';
import { adminRequest, type AdminDependencies } from '../../../../functions/compliance/admin-request';
import { userTarget } from '../../../../layers/core/audit/audit-target';
import type { AuditEntry } from '../../../../layers/core/audit/audit-trail';
import type { DataRequestInput, DataRequests, DataRequestStatus } from '../../../../layers/core/compliance/data-requests';
import { apiGatewayEventFactory } from '../../../helpers/api-gateway-event-factory';

const ADMIN = 'arn:aws:iam::000000000000:user/admin';

const adminEvent = (httpMethod: string, resource: string, pathParameters: Record<string, string>, userArn: string | null = ADMIN): APIGatewayProxyEvent => {
  const base = apiGatewayEventFactory('');
  return { ...base, httpMethod, resource, body: null, pathParameters, requestContext: { ...base.requestContext, identity: { ...base.requestContext.identity, userArn } } };
};

const fakes = () => {
  const started: DataRequestInput[] = [];
  const audited: AuditEntry[] = [];
  const statuses = new Map<string, DataRequestStatus>();
  const dataRequests: DataRequests = {
    start: async (input) => {
      started.push(input);
      return { requestId: `r${started.length}` };
    },
    status: async (id) => statuses.get(id),
    list: async () => [...statuses.values()],
  };
  const deps: AdminDependencies = {
    dataRequests,
    profiles: { load: async (userId) => (userId === 'u1' ? ({ userId, aliases: ['anonymous:d-1'] } as never) : undefined) },
    audit: { record: async (entry) => void audited.push(entry), list: async () => audited },
    now: new Date('2026-12-04T10:00:00Z'),
  };
  return { deps, started, audited, statuses };
};

describe('adminRequest', () => {
  it('starts an erasure for the caller and the devices they absorbed, answers 202 with the request id and audits it by the hashed user id', async () => {
    const { deps, started, audited } = fakes();

    const { response, audited: action } = await adminRequest(adminEvent('POST', '/v1/admin/users/{userId}/erasures', { userId: 'u1' }), deps);

    expect([response.statusCode, JSON.parse(response.body)]).toEqual([202, { requestId: 'r1' }]);
    expect(started).toEqual([{ kind: 'erase', userId: 'u1', requestedBy: ADMIN, aliases: ['anonymous:d-1'] }]);
    expect(action).toBe('data-request.erase');
    expect(audited).toEqual([{ at: '2026-12-04T10:00:00.000Z', actor: ADMIN, action: 'data-request.erase', target: userTarget('u1'), detail: { requestId: 'r1' } }]);
    expect(JSON.stringify(audited)).not.toContain('"u1"');
  });

  it('refuses a user id outside the contract with INVALID_USER_ID naming the field', async () => {
    const { deps, started } = fakes();
    const { response } = await adminRequest(adminEvent('POST', '/v1/admin/users/{userId}/exports', { userId: 'x'.repeat(129) }), deps);
    expect([response.statusCode, JSON.parse(response.body).error]).toEqual([400, expect.objectContaining({ code: 'INVALID_USER_ID', field: 'userId' })]);
    expect(started).toEqual([]);
  });

  it('answers a status, 404 REQUEST_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
    const { deps, statuses } = fakes();
    statuses.set('r9', { requestId: 'r9', kind: 'export', status: 'running', requestedAt: '2026-12-04T09:00:00Z', stores: [] });
    const status = (requestId: string) => adminRequest(adminEvent('GET', '/v1/admin/requests/{requestId}', { requestId }), deps);

    expect((await status('r9')).response.statusCode).toBe(200);
    expect(JSON.parse((await status('nope')).response.body).error.code).toBe('REQUEST_NOT_FOUND');
    expect(JSON.parse((await status('a b')).response.body).error).toEqual(expect.objectContaining({ code: 'INVALID_REQUEST_ID', field: 'requestId' }));
  });

  it('audits a profile read, found or not', async () => {
    const { deps, audited } = fakes();
    const read = (userId: string) => adminRequest(adminEvent('GET', '/v1/admin/users/{userId}/profile', { userId }), deps);

    expect((await read('u1')).response.statusCode).toBe(200);
    expect((await read('u2')).response.statusCode).toBe(404);
    expect(audited.map((entry) => [entry.action, entry.target])).toEqual([['profile.read', userTarget('u1')], ['profile.read', userTarget('u2')]]);
  });

  it('refuses without an IAM caller, and answers 503 without auditing when the workflow cannot start', async () => {
    const { deps, audited } = fakes();
    const unsigned = await adminRequest(adminEvent('POST', '/v1/admin/users/{userId}/exports', { userId: 'u1' }, null), deps);
    expect(JSON.parse(unsigned.response.body).error.code).toBe('NO_CALLER_IDENTITY');

    const down = await adminRequest(adminEvent('POST', '/v1/admin/users/{userId}/exports', { userId: 'u1' }), { ...deps, dataRequests: { ...deps.dataRequests, start: () => Promise.reject(new Error('down')) } });
    expect([down.response.statusCode, JSON.parse(down.response.body).error.code]).toEqual([503, 'DATA_REQUESTS_UNAVAILABLE']);
    expect(audited).toEqual([]);

    const unreadable = await adminRequest(adminEvent('GET', '/v1/admin/requests/{requestId}', { requestId: 'r-1' }), { ...deps, dataRequests: { ...deps.dataRequests, status: () => Promise.reject(new Error('slow down')) } });
    expect([unreadable.response.statusCode, JSON.parse(unreadable.response.body).error.code]).toEqual([503, 'DATA_REQUESTS_UNAVAILABLE']);
  });
});
