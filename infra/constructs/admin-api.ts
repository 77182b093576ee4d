import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ADMIN_API_CONFIG } from '../../layers/runtime/function-configs';
import { createFunction, type FunctionDefaults } from '../create-function';
import { grantTableActions } from '../grant-table-actions';
import { pinLogicalId } from '../logical-id';
import { acknowledgeNagFinding } from '../nag';

/** Props of {@link AdminApi}. */
export interface AdminApiProps {
  /** The REST API the routes are added to (the ingest API: one endpoint, two kinds of caller). */
  readonly api: apigateway.RestApi;
  /** Read (GetItem) for the audited profile route. */
  readonly profilesTable: dynamodb.ITable;
  /** Every admin action is recorded here (PutItem only). */
  readonly auditTable: dynamodb.ITable;
  readonly auditRetentionDays: number;
  /** Started by the export and erasure routes. */
  readonly dataRequests: sfn.StateMachine;
  /** Read: the requests' receipts (`data-requests/*`). */
  readonly reportsBucket: s3.IBucket;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * The admin routes (functions/compliance/admin-request.ts) on the same REST API as ingestion, with
 * IAM authorization: API Gateway checks the SigV4 signature and the caller's `execute-api:Invoke`
 * permission before anything runs, so an app's write key cannot reach them (a request with only
 * `x-api-key` is refused as unsigned). Who may call them is whoever the account's IAM policies allow.
 */
export class AdminApi extends Construct {
  readonly adminApiFunction: lambda.IFunction;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    const fn = pinLogicalId(
      createFunction(this, 'AdminApiFunction', {
        ...props.functionDefaults,
        config: ADMIN_API_CONFIG,
        entry: 'functions/compliance/admin-api.handler.ts',
        serviceName: 'admin-api',
        description: 'Admin routes (IAM): start data-subject exports and erasures, read their receipts, read a profile; every action audited',
        timeout: Duration.seconds(10),
        environment: {
          PROFILES_TABLE_NAME: props.profilesTable.tableName,
          AUDIT_TABLE_NAME: props.auditTable.tableName,
          AUDIT_RETENTION_DAYS: String(props.auditRetentionDays),
          DATA_REQUESTS_STATE_MACHINE_ARN: props.dataRequests.stateMachineArn,
          REPORTS_BUCKET_NAME: props.reportsBucket.bucketName,
        },
      }),
      'AdminApiFunction',
    );
    grantTableActions(props.profilesTable, fn, ['dynamodb:GetItem']);
    grantTableActions(props.auditTable, fn, ['dynamodb:PutItem']);
    props.dataRequests.grantStartExecution(fn);
    // The execution of a request, by name: the state machine's executions only.
    const { region, account } = Stack.of(this);
    const executions = `arn:aws:states:${region}:${account}:execution:${props.dataRequests.stateMachineName}:*`;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.reportsBucket.arnForObjects('data-requests/*')] }));
    acknowledgeNagFinding(fn.role!, 'AwsSolutions-IAM5[Resource::<Reports.Arn>/data-requests/*]', 'admin-api reads a request\'s receipt, data-requests/<request>.json: request ids are made when a request starts. Get only, that prefix only.');
    acknowledgeNagFinding(
      fn.role!,
      'AwsSolutions-IAM5[Resource::arn:aws:states:<AWS::Region>:<AWS::AccountId>:execution:<DataRequest.Name>:*]',
      'admin-api describes the executions of the DataRequest state machine only; an execution is named by its request id when it starts.',
    );
    this.adminApiFunction = fn;
    this.addRoutes(props.api, fn);
  }

  private addRoutes(api: apigateway.RestApi, fn: lambda.IFunction): void {
    const integration = new apigateway.LambdaIntegration(fn, { allowTestInvoke: false });
    const v1 = api.root.getResource('v1') ?? api.root.addResource('v1');
    const admin = v1.addResource('admin');
    const user = admin.addResource('users').addResource('{userId}');
    const routes: [apigateway.IResource, string][] = [
      [user.addResource('exports'), 'POST'],
      [user.addResource('erasures'), 'POST'],
      [user.addResource('profile'), 'GET'],
      [admin.addResource('requests').addResource('{requestId}'), 'GET'],
    ];
    for (const [resource, verb] of routes) {
      const method = resource.addMethod(verb, integration, { authorizationType: apigateway.AuthorizationType.IAM });
      acknowledgeNagFinding(
        method,
        'AwsSolutions-COG4',
        'An admin route for the team\'s operators and tools, authorized by IAM (SigV4 and execute-api:Invoke): their identities are IAM principals, not users of a Cognito user pool.',
      );
    }
  }
}
