import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { INBOX_API_CONFIG, INBOX_AUTHORIZER_CONFIG } from '../../layers/runtime/function-configs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { grantTableActions } from '../grant-table-actions';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';
import { loggedStageOptions } from './ingest';

/** Props of {@link Inbox}. */
export interface InboxProps {
  readonly inboxTable: dynamodb.ITable;
  /** Impressions and clicks are put here (PutRecords). */
  readonly eventsStream: kinesis.IStream;
  readonly allowedOrigin: string;
  readonly jwt?: { readonly issuer: string; readonly audience?: string; readonly userClaim?: string };
  /** Requests per second (and burst) of the whole inbox API stage. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly functionDefaults: FunctionDefaults;
}

/**
 * API Gateway's authorizer cache is off: it keys answers by the Authorization header alone, and a user
 * hash proves nothing without the path's user id, so a denial cached for a hash tried on another user's
 * path would then deny its own user. The check is a few microseconds of HMAC (or a JWT verified against
 * cached keys) in a warm 128 MB function.
 */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(0);

/**
 * The in-app channel's read side: a REST API of its own (`InboxApi`), called by apps for a signed-in
 * user: `GET /v1/users/{userId}/messages` and `POST /v1/users/{userId}/messages/{id}`, behind a Lambda
 * REQUEST authorizer (a user hash signed with `InboxSigningSecret`, or a JWT of the team's issuer).
 * Its own API because its callers are end users, not apps with a write key: no API key is accepted
 * here, its gateway responses answer 401 with the authorizer's code, and it has its own CORS and throttle.
 */
export class Inbox extends Construct {
  readonly api: apigateway.RestApi;
  readonly signingSecret: secretsmanager.Secret;
  readonly apiFunction: lambda.IFunction;
  readonly authorizerFunction: lambda.IFunction;
  /** `https://…/live/v1/users/` : append `<userId>/messages`. */
  readonly usersUrl: string;

  constructor(scope: Construct, id: string, props: InboxProps) {
    super(scope, id);
    this.signingSecret = pinLogicalId(
      new secretsmanager.Secret(this, 'InboxSigningSecret', {
        description: 'Signs user ids for the inbox API (UserHash = HMAC-SHA256 of the user id): read by the app backend and the inbox authorizer',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      }),
      'InboxSigningSecret',
    );
    acknowledgeNagFinding(
      this.signingSecret,
      'AwsSolutions-SMG4',
      'Rotated by the team, not by a Lambda: every app backend signs with it, so a rotation is coordinated. The authorizer accepts the AWSCURRENT and AWSPREVIOUS versions, so backends can move to a new value at their own pace (docs/in-app.md).',
    );

    this.authorizerFunction = this.createAuthorizerFunction(props);
    this.apiFunction = this.createApiFunction(props);
    this.api = this.createApi(props);
    const users = this.api.root.addResource('v1').addResource('users', {
      defaultCorsPreflightOptions: { allowOrigins: [props.allowedOrigin], allowMethods: ['GET', 'POST'], allowHeaders: ['Authorization', 'Content-Type'], maxAge: Duration.hours(1) },
    });
    this.addRoutes(users, props);
    this.usersUrl = this.api.urlForPath(users.path) + '/';
  }

  private createAuthorizerFunction(props: InboxProps): lambda.IFunction {
    const fn = pinLogicalId(
      createFunction(this, 'InboxAuthorizerFunction', {
        ...props.functionDefaults,
        config: INBOX_AUTHORIZER_CONFIG,
        entry: 'functions/inbox/inbox-authorizer.handler.ts',
        serviceName: 'inbox-authorizer',
        description: 'Inbox API authorizer: a user hash or a JWT must prove the user of the path',
        timeout: Duration.seconds(5),
        environment: {
          INBOX_SIGNING_SECRET_ARN: this.signingSecret.secretArn,
          ...(props.jwt && {
            INBOX_JWT_ISSUER: props.jwt.issuer,
            ...(props.jwt.audience && { INBOX_JWT_AUDIENCE: props.jwt.audience }),
            ...(props.jwt.userClaim && { INBOX_JWT_USER_CLAIM: props.jwt.userClaim }),
          }),
        },
      }),
      'InboxAuthorizerFunction',
    );
    this.signingSecret.grantRead(fn);
    return fn;
  }

  private createApiFunction(props: InboxProps): lambda.IFunction {
    const fn = pinLogicalId(
      createFunction(this, 'InboxApiFunction', {
        ...props.functionDefaults,
        config: INBOX_API_CONFIG,
        entry: 'functions/inbox/inbox-api.handler.ts',
        serviceName: 'inbox-api',
        description: 'GET a user\'s in-app messages, POST what the user did with one',
        timeout: Duration.seconds(10),
        environment: { INBOX_TABLE_NAME: props.inboxTable.tableName, EVENTS_STREAM_NAME: props.eventsStream.streamName, INBOX_ALLOWED_ORIGIN: props.allowedOrigin },
      }),
      'InboxApiFunction',
    );
    grantTableActions(props.inboxTable, fn, ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
    props.eventsStream.grant(fn, 'kinesis:PutRecords');
    return fn;
  }

  private createApi(props: InboxProps): apigateway.RestApi {
    const accessLogs = new logs.LogGroup(this, 'InboxApiAccessLogs', { retention: props.functionDefaults.logRetention, removalPolicy: props.functionDefaults.logRemovalPolicy });
    const api = pinLogicalId(
      new apigateway.RestApi(this, 'InboxApi', {
        restApiName: `${Stack.of(this).stackName}-inbox`,
        description: 'In-app messages of signed-in users (inbox and banners)',
        endpointTypes: [apigateway.EndpointType.REGIONAL],
        // The account's API Gateway logging role is managed by the events API.
        cloudWatchRole: false,
        deployOptions: { ...loggedStageOptions(accessLogs), throttlingRateLimit: props.throttle.rateLimit, throttlingBurstLimit: props.throttle.burstLimit },
      }),
      'InboxApi',
    );
    acknowledgeNagFinding(
      api.deploymentStage,
      'AwsSolutions-APIG3',
      'No WAF web ACL by default: every route needs a token that proves its user, the stage is throttled, and answers are small. A web ACL can be associated with the stage at deploy time where the account requires one.',
    );
    addInboxGatewayResponses(api, props.allowedOrigin);
    return api;
  }

  private addRoutes(users: apigateway.Resource, props: InboxProps): void {
    const authorizer = new apigateway.RequestAuthorizer(this, 'InboxAuthorizer', {
      handler: this.authorizerFunction,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
    const integration = new apigateway.LambdaIntegration(this.apiFunction, { allowTestInvoke: false });
    const validator = this.api.addRequestValidator('InboxParameters', { requestValidatorName: 'inbox-parameters', validateRequestParameters: true, validateRequestBody: true });
    const messages = users.addResource('{userId}').addResource('messages');
    const routes: [apigateway.IResource, string, Record<string, boolean>][] = [
      [messages, 'GET', { 'method.request.path.userId': true, 'method.request.header.Authorization': true }],
      [messages.addResource('{id}'), 'POST', { 'method.request.path.userId': true, 'method.request.path.id': true, 'method.request.header.Authorization': true }],
    ];
    for (const [resource, verb, requestParameters] of routes) {
      const method = resource.addMethod(verb, integration, { authorizer, authorizationType: apigateway.AuthorizationType.CUSTOM, requestValidator: validator, requestParameters });
      acknowledgeNagFinding(
        method,
        'AwsSolutions-COG4',
        'A Lambda authorizer checks the user: a user hash signed with the product\'s secret, or a JWT of the team\'s own issuer (Cognito or any OIDC provider, pipeline:inboxJwtIssuer). A Cognito-only authorizer would exclude the first and other providers.',
      );
    }
  }
}

/**
 * The inbox API's own errors, in the `{"error":{"code":…}}` envelope of every route. A denial shows
 * the authorizer's code (`$context.authorizer.code`) as a 401; a missing Authorization header never
 * reaches the authorizer (it is the identity source), so API Gateway answers it as UNAUTHORIZED. Each
 * carries the CORS origin, or a browser could not read the code.
 */
const addInboxGatewayResponses = (api: apigateway.RestApi, allowedOrigin: string): void => {
  const responses: [apigateway.ResponseType, string | undefined, string, string][] = [
    [apigateway.ResponseType.UNAUTHORIZED, '401', 'TOKEN_MISSING', '"send Authorization: UserHash <hash> or Bearer <JWT>"'],
    [apigateway.ResponseType.ACCESS_DENIED, '401', '$context.authorizer.code', '"the token does not prove this user"'],
    [apigateway.ResponseType.AUTHORIZER_FAILURE, '503', 'AUTHORIZER_UNAVAILABLE', '"the token could not be checked; retry"'],
    [apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'ROUTE_NOT_FOUND', '"no such route: GET /v1/users/{userId}/messages, POST /v1/users/{userId}/messages/{id}"'],
    [apigateway.ResponseType.BAD_REQUEST_PARAMETERS, '401', 'TOKEN_MISSING', '"send Authorization: UserHash <hash> or Bearer <JWT>"'],
    [apigateway.ResponseType.THROTTLED, '429', 'THROTTLED', '"too many requests; retry with backoff"'],
    [apigateway.ResponseType.DEFAULT_4XX, undefined, 'CLIENT_ERROR', '$context.error.messageString'],
    [apigateway.ResponseType.DEFAULT_5XX, undefined, 'INTERNAL_ERROR', '$context.error.messageString'],
  ];
  for (const [type, statusCode, code, message] of responses) {
    api.addGatewayResponse(`Inbox${type.responseType}`, {
      type,
      ...(statusCode && { statusCode }),
      responseHeaders: { 'Access-Control-Allow-Origin': `'${allowedOrigin}'` },
      templates: { 'application/json': `{"error":{"code":"${code}","message":${message},"requestId":"$context.requestId"}}` },
    });
  }
};
