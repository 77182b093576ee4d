import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { userTarget } from '../../layers/core/audit/audit-target';
import type { AuditAction, AuditTrail } from '../../layers/core/audit/audit-trail';
import type { DataRequestKind, DataRequests } from '../../layers/core/compliance/data-requests';
import { COMMON_SCHEMA } from '../../layers/core/contract/event-schemas';
import type { ProfileStore } from '../../layers/core/ports';

/** Machine-readable error codes of the admin routes; the README documents each one. */
export type AdminErrorCode = 'INVALID_USER_ID' | 'INVALID_REQUEST_ID' | 'REQUEST_NOT_FOUND' | 'PROFILE_NOT_FOUND' | 'NO_CALLER_IDENTITY' | 'ROUTE_NOT_FOUND' | 'DATA_REQUESTS_UNAVAILABLE';

/** The admin routes as API Gateway names them in `resource`. */
export const ADMIN_ROUTES = {
  exports: 'POST /v1/admin/users/{userId}/exports',
  erasures: 'POST /v1/admin/users/{userId}/erasures',
  request: 'GET /v1/admin/requests/{requestId}',
  profile: 'GET /v1/admin/users/{userId}/profile',
} as const;

/** What an admin request needs besides the request. */
export interface AdminDependencies {
  readonly dataRequests: DataRequests;
  readonly profiles: Pick<ProfileStore, 'load'>;
  readonly audit: AuditTrail;
  readonly now: Date;
}

/** What happened, for the handler's metrics and log line (no user id: it sits beside an actor). */
export interface AdminOutcome {
  readonly response: APIGatewayProxyResult;
  readonly route: keyof typeof ADMIN_ROUTES | 'unknown';
  readonly audited?: AuditAction;
}

const USER_ID_RULE = COMMON_SCHEMA.definitions.userId;
/** Request ids are the workflow's (UUIDs, execution names): a conservative charset keeps them out of key injection. */
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,80}$/;

/**
 * Handles one admin request: IAM has already authenticated the caller (API Gateway refuses unsigned
 * requests); here the route is chosen, the path parameter checked, the action audited (before it
 * happens, so a failure after it is still on record) and the port called.
 */
export const adminRequest = async (request: APIGatewayProxyEvent, deps: AdminDependencies): Promise<AdminOutcome> => {
  const route = routeOf(request);
  const actor = request.requestContext?.identity?.userArn;
  if (!actor) return { route, response: failure(403, 'NO_CALLER_IDENTITY', 'the request carries no IAM caller identity') };
  switch (route) {
    case 'exports':
      return startRequest('export', request, actor, deps);
    case 'erasures':
      return startRequest('erase', request, actor, deps);
    case 'request':
      return requestStatus(request, deps);
    case 'profile':
      return readProfile(request, actor, deps);
    default:
      return { route, response: failure(404, 'ROUTE_NOT_FOUND', 'no such admin route') };
  }
};

const routeOf = (request: APIGatewayProxyEvent): AdminOutcome['route'] => {
  const key = `${request.httpMethod} ${request.resource}`;
  const found = Object.entries(ADMIN_ROUTES).find(([, route]) => route === key);
  return (found?.[0] as keyof typeof ADMIN_ROUTES | undefined) ?? 'unknown';
};

const userIdOf = (request: APIGatewayProxyEvent): string | undefined => {
  const userId = request.pathParameters?.userId;
  return userId !== undefined && userId.length >= USER_ID_RULE.minLength && userId.length <= USER_ID_RULE.maxLength ? userId : undefined;
};

const invalidUserId = (route: AdminOutcome['route']): AdminOutcome => ({
  route,
  response: failure(400, 'INVALID_USER_ID', `userId must be ${USER_ID_RULE.minLength} to ${USER_ID_RULE.maxLength} characters`, 'userId'),
});

const startRequest = async (kind: DataRequestKind, request: APIGatewayProxyEvent, actor: string, deps: AdminDependencies): Promise<AdminOutcome> => {
  const route = kind === 'export' ? 'exports' : 'erasures';
  const userId = userIdOf(request);
  if (userId === undefined) return invalidUserId(route);
  let requestId: string;
  try {
    // The devices the user absorbed are covered too; read now, before an erasure removes the profile.
    const aliases = (await deps.profiles.load(userId))?.aliases ?? [];
    ({ requestId } = await deps.dataRequests.start({ kind, userId, requestedBy: actor, aliases }));
  } catch {
    // Nothing was started, so nothing is audited; 503 tells the caller to retry.
    return { route, response: failure(503, 'DATA_REQUESTS_UNAVAILABLE', 'the request could not be started; retry') };
  }
  const action: AuditAction = kind === 'export' ? 'data-request.export' : 'data-request.erase';
  await deps.audit.record({ at: deps.now.toISOString(), actor, action, target: userTarget(userId), detail: { requestId } });
  return { route, audited: action, response: json(202, { requestId }) };
};

const requestStatus = async (request: APIGatewayProxyEvent, deps: AdminDependencies): Promise<AdminOutcome> => {
  const requestId = request.pathParameters?.requestId;
  if (requestId === undefined || !REQUEST_ID.test(requestId)) {
    return { route: 'request', response: failure(400, 'INVALID_REQUEST_ID', 'requestId must be 1 to 80 letters, digits or _.:-', 'requestId') };
  }
  let status: Awaited<ReturnType<DataRequests['status']>>;
  try {
    status = await deps.dataRequests.status(requestId);
  } catch {
    // The workflow or its receipts could not be read (throttled, or a receipt being written): retry.
    return { route: 'request', response: failure(503, 'DATA_REQUESTS_UNAVAILABLE', 'the request\'s status could not be read; retry') };
  }
  if (!status) return { route: 'request', response: failure(404, 'REQUEST_NOT_FOUND', 'no data request has this id', 'requestId') };
  return { route: 'request', response: json(200, status) };
};

const readProfile = async (request: APIGatewayProxyEvent, actor: string, deps: AdminDependencies): Promise<AdminOutcome> => {
  const userId = userIdOf(request);
  if (userId === undefined) return invalidUserId('profile');
  // Audited whether or not a profile exists: asking is the act the trail records.
  await deps.audit.record({ at: deps.now.toISOString(), actor, action: 'profile.read', target: userTarget(userId), detail: { via: 'admin-api' } });
  const profile = await deps.profiles.load(userId);
  if (!profile) return { route: 'profile', audited: 'profile.read', response: failure(404, 'PROFILE_NOT_FOUND', 'no profile for this user', 'userId') };
  return { route: 'profile', audited: 'profile.read', response: json(200, { profile }) };
};

const failure = (statusCode: number, code: AdminErrorCode, message: string, field?: string): APIGatewayProxyResult =>
  json(statusCode, { error: { code, message, ...(field !== undefined && { field }) } });

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});
