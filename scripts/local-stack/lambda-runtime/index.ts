export { createLambdaContext } from './lambda-context';
export { invokeLocalFunction } from './invoke-local-function';
export { LambdaTimeoutError, type InvocationIdentity, type LambdaHandler, type LocalFunction } from './local-function';
