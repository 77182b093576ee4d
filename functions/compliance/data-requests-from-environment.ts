import type { DataRequests } from '../../layers/core/compliance/data-requests';
import type { Environment } from '../../layers/runtime/config';

/** No data-request workflow is wired into this build: starting or reading a request fails (503). */
export class DataRequestsNotWiredError extends Error {
  override readonly name = 'DataRequestsNotWiredError';
  constructor() {
    super('this build has no data-request workflow behind the admin API');
  }
}

/**
 * The seam between the admin API and the data-request workflow: the `DataRequests` the admin function
 * uses in AWS (the local stack and tests pass their own as an override). The workflow's adapter
 * (Step Functions + the request records) replaces this body when it is merged; until then the
 * routes answer 503 rather than pretend.
 */
export const dataRequestsFromEnvironment = (_env: Environment): DataRequests => ({
  start: () => Promise.reject(new DataRequestsNotWiredError()),
  status: () => Promise.reject(new DataRequestsNotWiredError()),
  list: () => Promise.reject(new DataRequestsNotWiredError()),
});
