import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InboxRequestError, readInboxPage, recordInboxAction, type InboxDeps } from '../../layers/core/inbox/inbox-requests';

export interface InboxOutcome {
  response: APIGatewayProxyResult;
  route: 'page' | 'action' | 'unknown';
  /** What made a 5xx answer, for the log (its name and code only). */
  failure?: unknown;
}

/**
 * Handles one inbox request after the authorizer: `GET /v1/users/{userId}/messages` or `POST
 * /v1/users/{userId}/messages/{id}`. The authorizer allowed this user's paths only; the user it proved
 * is checked against the path again, so a misconfigured route can never serve another user's inbox.
 */
export const inboxRequest = async (request: APIGatewayProxyEvent, deps: InboxDeps, allowedOrigin: string): Promise<InboxOutcome> => {
  const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': allowedOrigin, 'Cache-Control': 'no-store', Vary: 'Origin', ...headers },
    body: JSON.stringify(body),
  });
  const userId = request.pathParameters?.userId;
  const proven = request.requestContext.authorizer?.userId as string | undefined;
  if (!userId || proven !== userId) return { response: json(401, { error: { code: 'TOKEN_NOT_FOR_USER', message: 'the token is not for this user' } }), route: 'unknown' };
  const route = request.httpMethod === 'GET' ? 'page' : request.httpMethod === 'POST' && request.pathParameters?.id ? 'action' : 'unknown';
  try {
    if (route === 'page') return { response: json(200, await readInboxPage(userId, request.queryStringParameters ?? {}, deps)), route };
    if (route === 'action') {
      const body = request.isBase64Encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : request.body;
      return { response: json(200, await recordInboxAction(userId, request.pathParameters!.id!, body, deps)), route };
    }
    return { response: json(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no such route' } }), route };
  } catch (error) {
    if (!(error instanceof InboxRequestError)) throw error;
    const response = json(error.statusCode, { error: { code: error.code, field: error.field, message: error.message } }, error.statusCode === 503 ? { 'Retry-After': '1' } : {});
    return { response, route, ...(error.cause !== undefined && { failure: error.cause }) };
  }
};
