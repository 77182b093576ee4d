import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * Settings every SDK v3 client in a function shares. An explicit HTTP/1.1 handler with short timeouts:
 * a stuck connection should fail fast and be retried inside the Lambda's timeout, not eat it. (The
 * Kinesis client would otherwise pick HTTP/2, which kinesalite cannot speak.) Endpoints come from the
 * SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which the local stack sets.
 */
export const awsClientConfig = () => ({
  requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 5_000 }),
  maxAttempts: 3,
});
