import type { IamCaller } from './iam-auth';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** What {@link buildProxyEvent} needs besides the request. */
export interface ProxyEventDetails {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly resourcePath: string;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly body: string | null;
  readonly stage: string;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly sourceIp: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly apiKey?: string;
  /** The signer of an IAM-authorised request. */
  readonly iamCaller?: IamCaller;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$context.requestTime`: `23/Nov/2026:00:24:46 +0000`. */
const requestTime = (epochMs: number): string => {
  const date = new Date(epochMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

/** Headers as API Gateway passes them: original case, the last value of a repeated header in `headers`. */
const collectHeaders = (rawHeaders: readonly string[]) => {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    const value = rawHeaders[index + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
};

/** A REST API (v1) Lambda proxy event for one request. */
export const buildProxyEvent = (req: IncomingMessage, details: ProxyEventDetails): APIGatewayProxyEvent => {
  const { headers, multiValueHeaders } = collectHeaders(req.rawHeaders);
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of details.query) {
    queryStringParameters[name] = value;
    (multiValueQueryStringParameters[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(queryStringParameters).length > 0;
  const httpMethod = req.method ?? 'GET';
  return {
    resource: details.resourcePath,
    path: details.path,
    httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? queryStringParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: details.pathParameters ? { ...details.pathParameters } : null,
    stageVariables: null,
    requestContext: {
      accountId: details.accountId,
      apiId: details.apiId,
      authorizer: null,
      domainName: req.headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      extendedRequestId: details.requestId,
      httpMethod,
      identity: {
        accessKey: details.iamCaller?.accessKey ?? null,
        accountId: details.iamCaller?.accountId ?? null,
        apiKey: details.apiKey ?? null,
        apiKeyId: details.apiKey ? 'local-api-key' : null,
        caller: details.iamCaller?.caller ?? null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: details.sourceIp,
        user: details.iamCaller?.user ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: details.iamCaller?.userArn ?? null,
      },
      path: `/${details.stage}${details.path}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: details.requestId,
      requestTime: requestTime(details.requestTimeEpoch),
      requestTimeEpoch: details.requestTimeEpoch,
      resourceId: 'local',
      resourcePath: details.resourcePath,
      stage: details.stage,
    },
    body: details.body,
    isBase64Encoded: false,
  };
};
