import { SFNClient } from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { S3DataRequestFiles } from '../../layers/adapters/s3-data-request-files';
import { SfnDataRequests } from '../../layers/adapters/sfn-data-requests';
import type { DataRequests } from '../../layers/core/compliance/data-requests';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import type { Environment } from '../../layers/runtime/config';

/** No data-request workflow is wired into this build: starting or reading a request fails (503). */
export class DataRequestsNotWiredError extends Error {
  override readonly name = 'DataRequestsNotWiredError';
  constructor() {
    super('this build has no data-request workflow behind the admin API');
  }
}

/**
 * The `DataRequests` the admin function uses in AWS: executions of the `DataRequest` state machine and
 * their receipts in the Reports bucket (the local stack passes its own, which runs the same machine
 * from the template). Without the machine's ARN the routes answer 503 rather than pretend.
 */
export const dataRequestsFromEnvironment = (env: Environment): DataRequests => {
  const stateMachineArn = env.DATA_REQUESTS_STATE_MACHINE_ARN;
  const reportsBucket = env.REPORTS_BUCKET_NAME;
  if (!stateMachineArn || !reportsBucket) {
    return {
      start: () => Promise.reject(new DataRequestsNotWiredError()),
      status: () => Promise.reject(new DataRequestsNotWiredError()),
      list: () => Promise.reject(new DataRequestsNotWiredError()),
    };
  }
  return new SfnDataRequests(new SFNClient(awsClientConfig()), stateMachineArn, new S3DataRequestFiles(new S3Client(awsClientConfig()), reportsBucket));
};
