export { startApiGatewayServer, type ApiFunction, type ApiGatewayServer, type ApiGatewayServerOptions, type ApiRequestReport } from './api-gateway-server';
export { renderGatewayError, type GatewayErrorContext, type GatewayErrorType, type GatewayHttpResponse } from './gateway-responses';
export { compileBodyValidator, draft04ToAjv, type BodyValidator } from './request-validator';
export { matchRoute, type RouteMatch } from './route-matcher';
export { TokenBucket } from './token-bucket';
