import type { GatewayResponseDefinition, ResolvedRestApi } from '../template/resolve-rest-apis';

/** The gateway response types the local endpoint produces. */
export type GatewayErrorType =
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'INVALID_SIGNATURE'
  | 'INVALID_API_KEY'
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'AUTHORIZER_FAILURE'
  | 'THROTTLED'
  | 'BAD_REQUEST_BODY'
  | 'REQUEST_TOO_LARGE'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'DEFAULT_5XX';

/**
 * API Gateway's own status code and message for each type, used where the template sets none. A null
 * message is API Gateway's own too: an authorizer failure answers `{"message":null}`.
 */
const DEFAULTS: Readonly<Record<GatewayErrorType, { readonly statusCode: number; readonly message: string | null; readonly errorType: string }>> = {
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  INVALID_SIGNATURE: {
    statusCode: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    errorType: 'InvalidSignatureException',
  },
  INVALID_API_KEY: { statusCode: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  ACCESS_DENIED: { statusCode: 403, message: 'User is not authorized to access this resource with an explicit deny', errorType: 'AccessDeniedException' },
  AUTHORIZER_FAILURE: { statusCode: 500, message: null, errorType: 'AuthorizerConfigurationException' },
  THROTTLED: { statusCode: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  BAD_REQUEST_BODY: { statusCode: 400, message: 'Invalid request body', errorType: 'BadRequestException' },
  REQUEST_TOO_LARGE: { statusCode: 413, message: 'Request Too Long', errorType: 'RequestTooLongException' },
  INTEGRATION_FAILURE: { statusCode: 504, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: { statusCode: 504, message: 'Endpoint request timed out', errorType: 'InternalServerErrorException' },
  // A Lambda proxy integration whose function fails or answers malformed: 502.
  DEFAULT_5XX: { statusCode: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
};

/** The `$context` values a gateway response template may use. */
export interface GatewayErrorContext {
  readonly requestId: string;
  readonly stage: string;
  readonly resourcePath: string;
  readonly httpMethod: string;
  readonly sourceIp: string;
  /** For BAD_REQUEST_BODY: what failed validation. */
  readonly validationErrorString?: string;
  /** A Lambda authorizer's context (and `principalId`), for `$context.authorizer.*`. */
  readonly authorizer?: Readonly<Record<string, string>>;
}

/** A response ready to write. */
export interface GatewayHttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** `text` as the inside of a JSON string literal (no quotes). */
const jsonInner = (text: string): string => JSON.stringify(text).slice(1, -1);

/**
 * Substitutes `$context` variables as API Gateway does in gateway response templates (no VTL):
 * `messageString` comes quoted (`null` for no message), `message` raw; `validationErrorString` is escaped for use inside a
 * JSON string literal, which is where templates put it. Unknown variables become empty.
 */
const substitute = (template: string, type: string, message: string | null, context: GatewayErrorContext): string => {
  const values: Readonly<Record<string, string>> = {
    'error.messageString': JSON.stringify(message),
    'error.message': message ?? '',
    'error.responseType': type,
    'error.validationErrorString': jsonInner(context.validationErrorString ?? ''),
    requestId: context.requestId,
    extendedRequestId: context.requestId,
    stage: context.stage,
    resourcePath: context.resourcePath,
    httpMethod: context.httpMethod,
    'identity.sourceIp': context.sourceIp,
    ...Object.fromEntries(Object.entries(context.authorizer ?? {}).map(([name, value]) => [`authorizer.${name}`, value])),
  };
  return template.replace(/\$context\.([A-Za-z0-9_.:]*[A-Za-z0-9_])/g, (_whole, name: string) => values[name] ?? '');
};

/**
 * Renders an error as the API would: the template's gateway response of that type, else its
 * DEFAULT_4XX / DEFAULT_5XX, else API Gateway's built-in `{"message": "..."}`. The status code is the
 * response's own if it sets one, else the error's.
 */
export const renderGatewayError = (api: ResolvedRestApi, type: GatewayErrorType, context: GatewayErrorContext): GatewayHttpResponse => {
  const defaults = DEFAULTS[type];
  const fallbackType = defaults.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const definition: GatewayResponseDefinition | undefined = api.gatewayResponses[type] ?? api.gatewayResponses[fallbackType];
  const statusCode = api.gatewayResponses[type]?.statusCode ?? defaults.statusCode;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': context.requestId,
    'x-amzn-errortype': defaults.errorType,
  };
  for (const [key, value] of Object.entries(definition?.responseParameters ?? {})) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
    if (header) headers[header.toLowerCase()] = value.replace(/^'(.*)'$/, '$1');
  }
  const templates = definition?.responseTemplates ?? {};
  const [contentType, template] = Object.entries(templates).find(([type]) => type === 'application/json') ?? Object.entries(templates)[0] ?? [];
  if (contentType) headers['content-type'] = contentType;
  const body = template !== undefined ? substitute(template, type, defaults.message, context) : JSON.stringify({ message: defaults.message });
  return { statusCode, headers, body };
};
