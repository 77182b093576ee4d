import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** One API Gateway-generated error, rendered in the same envelope the ingest function uses. */
interface GatewayError {
  readonly type: apigateway.ResponseType;
  /** Omitted for DEFAULT_4XX/5XX, which keep the status of the error they stand for (401, 415, 502, 504...). */
  readonly statusCode?: string;
  /** Machine-readable, stable: clients switch on it. */
  readonly code: string;
  /** A JSON string literal (quoted), or `$context.error.messageString`, which API Gateway quotes. */
  readonly message: string;
}

/**
 * Errors API Gateway answers itself, before the ingest function runs, as
 * `{"error":{"code":"<CODE>","message":"...","requestId":"..."}}`: the shape of the function's own
 * errors, so a client parses one format. Codes shared with the function (INVALID_BATCH,
 * PAYLOAD_TOO_LARGE) mean the same thing.
 *
 * Gateway response templates are not VTL: only `$context` substitution, no `$util` escaping. So
 * messages are either static or `$context.error.messageString`, which API Gateway already quotes;
 * `validationErrorString` is inserted inside a string literal as AWS's request-validation examples do.
 */
export const GATEWAY_ERRORS: readonly GatewayError[] = [
  {
    type: apigateway.ResponseType.BAD_REQUEST_BODY,
    statusCode: '400',
    code: 'INVALID_BATCH',
    message: '"the body is not an event batch: $context.error.validationErrorString"',
  },
  {
    type: apigateway.ResponseType.INVALID_API_KEY,
    statusCode: '403',
    code: 'INVALID_API_KEY',
    message: '"the x-api-key header is missing or not a valid write key"',
  },
  {
    type: apigateway.ResponseType.ACCESS_DENIED,
    statusCode: '403',
    code: 'ACCESS_DENIED',
    message: '"access denied"',
  },
  // API Gateway answers both an unknown route and an unsigned request to an IAM route with this type.
  {
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '403',
    code: 'MISSING_AUTHENTICATION_TOKEN',
    message: '"no such route, or the route needs a request signed with AWS SigV4 (the admin routes); events go to POST /v1/events"',
  },
  {
    type: apigateway.ResponseType.INVALID_SIGNATURE,
    statusCode: '403',
    code: 'INVALID_SIGNATURE',
    message: '"the SigV4 signature does not match the request, or its credentials are not valid"',
  },
  {
    type: apigateway.ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    code: 'PAYLOAD_TOO_LARGE',
    message: '"the request is too large; send smaller batches"',
  },
  {
    type: apigateway.ResponseType.THROTTLED,
    statusCode: '429',
    code: 'THROTTLED',
    message: '"too many requests for this key; retry with backoff"',
  },
  {
    type: apigateway.ResponseType.QUOTA_EXCEEDED,
    statusCode: '429',
    code: 'QUOTA_EXCEEDED',
    message: '"the quota of this key is used up"',
  },
  {
    type: apigateway.ResponseType.DEFAULT_4XX,
    code: 'CLIENT_ERROR',
    message: '$context.error.messageString',
  },
  {
    type: apigateway.ResponseType.DEFAULT_5XX,
    code: 'INTERNAL_ERROR',
    message: '$context.error.messageString',
  },
];

/** Adds a gateway response for each of {@link GATEWAY_ERRORS} to `api`. */
export const addGatewayErrors = (api: apigateway.RestApi): void => {
  for (const error of GATEWAY_ERRORS) {
    api.addGatewayResponse(pascalCase(error.type.responseType), {
      type: error.type,
      statusCode: error.statusCode,
      templates: {
        'application/json': `{"error":{"code":"${error.code}","message":${error.message},"requestId":"$context.requestId"}}`,
      },
    });
  }
};

const pascalCase = (snake: string): string =>
  snake
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
