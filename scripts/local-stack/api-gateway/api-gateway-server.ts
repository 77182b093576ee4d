import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { closeHttpServer } from '../emulators/close-http-server';
import { LOOPBACK } from '../emulators/free-port';
import { invokeLocalFunction } from '../lambda-runtime/invoke-local-function';
import { LambdaTimeoutError, type InvocationIdentity, type LocalFunction } from '../lambda-runtime/local-function';
import type { ResolvedApiMethod, ResolvedRestApi, ThrottleSettings } from '../template/resolve-rest-apis';
import { renderGatewayError, type GatewayErrorContext, type GatewayErrorType, type GatewayHttpResponse } from './gateway-responses';
import { buildProxyEvent } from './proxy-event';
import { verifyIamRequest, type IamCaller, type LocalIamPrincipal } from './iam-auth';
import { LambdaAuthorizers } from './lambda-authorizer';
import { compileBodyValidator, type BodyValidator } from './request-validator';
import { matchRoute } from './route-matcher';
import { TokenBucket } from './token-bucket';

/** The function behind an `AWS_PROXY` integration. */
export type ApiFunction = LocalFunction<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** One answered request, for the console narrative. */
export interface ApiRequestReport {
  readonly requestId: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly statusCode: number;
  /** Set when API Gateway answered itself (the integration was not called). */
  readonly gatewayError?: GatewayErrorType;
  readonly durationMs: number;
}

/** Options of {@link startApiGatewayServer}. */
export interface ApiGatewayServerOptions {
  readonly api: ResolvedRestApi;
  /** Integration and authorizer functions by logical ID (`integration.functionLogicalId`, `authorizer.functionLogicalId`). */
  readonly functions: Readonly<Record<string, ApiFunction>>;
  /** Values accepted in `x-api-key` for methods that require a key. */
  readonly apiKeys: readonly string[];
  /** Who may call `AWS_IAM` methods (SigV4 with these credentials); without it they refuse every request. */
  readonly iam?: LocalIamPrincipal;
  readonly identity: InvocationIdentity;
  /** @default 0: a free port */
  readonly port?: number;
  /** Per-key throttle; `false` disables it. @default the API's usage plan throttle */
  readonly throttle?: ThrottleSettings | false;
  /** @default 10 MiB, API Gateway's payload limit */
  readonly maxBodyBytes?: number;
  /** API Gateway gives up on an integration after 29 s. @default 29000 */
  readonly integrationTimeoutMs?: number;
  /** Clock of the throttle, the SigV4 date check and the authorizer cache. */
  readonly now?: () => number;
  readonly onRequest?: (report: ApiRequestReport) => void;
}

/** The running endpoint. */
export interface ApiGatewayServer {
  /** `http://127.0.0.1:<port>`; routes are served with or without the stage prefix. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** API Gateway's payload limit. */
const TEN_MIB = 10 * 1_048_576;

class PayloadTooLarge extends Error {}

/** Reads the body; past `limit` keeps reading (so the client can receive our 413) but stops buffering. */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new PayloadTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });

const isProxyResult = (value: unknown): value is APIGatewayProxyResult =>
  typeof value === 'object' && value !== null && Number.isInteger((value as { statusCode?: unknown }).statusCode);

/**
 * The REST API as the template defines it, on 127.0.0.1: routes by method and path (with or without
 * the stage prefix; `{param}` and `{proxy+}` paths), then, in API Gateway's order: 413 over 10 MiB,
 * the route (MISSING_AUTHENTICATION_TOKEN otherwise), the SigV4 signature of an `AWS_IAM` method
 * (MISSING_AUTHENTICATION_TOKEN unsigned, INVALID_SIGNATURE wrong), a `CUSTOM` method's Lambda authorizer
 * (UNAUTHORIZED, ACCESS_DENIED with `$context.authorizer.*`, AUTHORIZER_FAILURE; lambda-authorizer.ts),
 * `x-api-key` where required (INVALID_API_KEY),
 * the usage plan throttle per key (THROTTLED), the model of a validated body (BAD_REQUEST_BODY, also
 * for malformed JSON), then the integration with a REST v1 proxy event. A function that throws or
 * answers malformed gets a 502, one past the timeout a 504. Every error is rendered with the
 * template's gateway responses.
 */
export const startApiGatewayServer = async (options: ApiGatewayServerOptions): Promise<ApiGatewayServer> => {
  const { api } = options;
  const stage = api.stageName ?? 'local';
  const validators = new Map<ResolvedApiMethod, Map<string, BodyValidator>>();
  for (const method of api.methods) {
    if (!method.validateRequestBody) continue;
    validators.set(method, new Map(Object.entries(method.requestModels).map(([contentType, model]) => [contentType, compileBodyValidator(model.schema)])));
  }
  const throttle = options.throttle === false ? undefined : (options.throttle ?? api.throttle);
  const buckets = new Map<string, TokenBucket>();
  const acceptedKeys = new Set(options.apiKeys);
  const authorizers = new LambdaAuthorizers(options.functions as unknown as Record<string, LocalFunction<unknown, unknown>>, options.identity, options.now);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const stagePrefix = `/${stage}`;
    const path = url.pathname === stagePrefix || url.pathname.startsWith(`${stagePrefix}/`) ? url.pathname.slice(stagePrefix.length) || '/' : url.pathname;
    const httpMethod = (req.method ?? 'GET').toUpperCase();
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    let resourcePath = path;

    const send = (response: GatewayHttpResponse, gatewayError?: GatewayErrorType): void => {
      res.writeHead(response.statusCode, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
      res.end(response.body);
      options.onRequest?.({ requestId, httpMethod, path, statusCode: response.statusCode, ...(gatewayError && { gatewayError }), durationMs: Math.round(performance.now() - started) });
    };
    // Once an authorizer has answered, every later error may show its context, as in API Gateway.
    let authorizerContext: Record<string, string> | undefined;
    const fail = (type: GatewayErrorType, extra: Partial<GatewayErrorContext> = {}): void => {
      const context: GatewayErrorContext = { requestId, stage, resourcePath, httpMethod, sourceIp, ...(authorizerContext && { authorizer: authorizerContext }), ...extra };
      send(renderGatewayError(api, type, context), type);
    };

    let body: Buffer;
    try {
      body = await readBody(req, options.maxBodyBytes ?? TEN_MIB);
    } catch (error) {
      if (error instanceof PayloadTooLarge) return fail('REQUEST_TOO_LARGE');
      throw error;
    }

    const route = matchRoute(api.methods, httpMethod, path);
    if (!route) return fail('MISSING_AUTHENTICATION_TOKEN');
    const { method } = route;
    resourcePath = method.resourcePath;

    let iamCaller: IamCaller | undefined;
    if (method.authorizationType === 'AWS_IAM') {
      if (!options.iam) return fail('MISSING_AUTHENTICATION_TOKEN');
      const verdict = await verifyIamRequest(
        { method: httpMethod, host: req.headers.host ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body },
        options.iam,
        options.now?.() ?? Date.now(),
      );
      if (!verdict.ok) return fail(verdict.error);
      iamCaller = verdict.caller;
    }

    const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : undefined;
    const text = body.length > 0 ? body.toString('utf8') : null;
    const event = buildProxyEvent(req, {
      path,
      query: url.searchParams,
      resourcePath,
      pathParameters: route.pathParameters,
      body: text,
      stage,
      requestId,
      requestTimeEpoch: started,
      sourceIp,
      apiId: api.logicalId.toLowerCase(),
      accountId: options.identity.accountId,
      ...(apiKey && { apiKey }),
      ...(iamCaller && { iamCaller }),
    });

    if (method.authorizer) {
      const verdict = await authorizers.authorize(method.authorizer, event);
      if (verdict.kind === 'unauthorized') return fail('UNAUTHORIZED');
      if (verdict.kind === 'failure') return fail('AUTHORIZER_FAILURE');
      authorizerContext = verdict.context;
      if (verdict.kind === 'deny') return fail('ACCESS_DENIED');
      event.requestContext.authorizer = verdict.context;
    }

    if (method.apiKeyRequired) {
      if (!apiKey || !acceptedKeys.has(apiKey)) return fail('INVALID_API_KEY');
      if (throttle) {
        let bucket = buckets.get(apiKey);
        if (!bucket) {
          bucket = new TokenBucket(throttle.rateLimit, throttle.burstLimit, options.now);
          buckets.set(apiKey, bucket);
        }
        if (!bucket.tryTake()) return fail('THROTTLED');
      }
    }

    const methodValidators = validators.get(method);
    if (methodValidators) {
      // No Content-Type is taken as JSON, as API Gateway does.
      const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? 'application/json';
      const validate = methodValidators.get(contentType) ?? methodValidators.get('$default');
      if (validate) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text ?? '');
        } catch {
          return fail('BAD_REQUEST_BODY', { validationErrorString: '[the body is not valid JSON]' });
        }
        const problem = validate(parsed);
        if (problem) return fail('BAD_REQUEST_BODY', { validationErrorString: problem });
      }
    }

    const { integration } = method;
    if (integration.type === 'MOCK' && integration.mockResponse) {
      const mock = integration.mockResponse;
      return send({ statusCode: mock.statusCode, headers: { 'content-type': 'application/json', ...mock.headers }, body: mock.body });
    }
    const fn = integration.functionLogicalId ? options.functions[integration.functionLogicalId] : undefined;
    if (!fn) return fail('INTEGRATION_FAILURE');

    const integrationTimeoutSeconds = (options.integrationTimeoutMs ?? 29_000) / 1_000;
    const limited: ApiFunction = { ...fn, timeoutSeconds: Math.min(fn.timeoutSeconds ?? 3, integrationTimeoutSeconds) };
    let result: unknown;
    try {
      result = await invokeLocalFunction(limited, event, options.identity);
    } catch (error) {
      return fail(error instanceof LambdaTimeoutError ? 'INTEGRATION_TIMEOUT' : 'DEFAULT_5XX');
    }
    if (!isProxyResult(result)) return fail('DEFAULT_5XX');
    const headers: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.map(String);
    const responseBody = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
    headers['content-type'] ??= 'application/json';
    res.writeHead(result.statusCode, { ...headers, 'content-length': responseBody.length });
    res.end(responseBody);
    options.onRequest?.({ requestId, httpMethod, path, statusCode: result.statusCode, durationMs: Math.round(performance.now() - started) });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal server error' }));
      }
      console.error('[api-gateway] unexpected error', error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://${LOOPBACK}:${port}`, port, stop: () => closeHttpServer(server) };
};
