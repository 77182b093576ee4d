/**
 * The data-subject request contract shared by the admin API, the DataRequest workflow and the quarterly
 * audit: SfnDataRequests in AWS, LocalDataRequests on the local stack.
 */
export type DataRequestKind = 'export' | 'erase';
export interface DataRequestInput {
  readonly kind: DataRequestKind;
  readonly userId: string;
  readonly requestedBy: string;
  /** The anonymous profile keys the user absorbed (identity merges): their data is the user's too. */
  readonly aliases?: readonly string[];
}
export interface StoreOutcome { readonly store: string; readonly outcome: 'exported' | 'erased' | 'anonymised' | 'exempt' | 'failed'; readonly items?: number; readonly detail?: string }
export interface DataRequestStatus {
  readonly requestId: string; readonly kind: DataRequestKind; readonly status: 'running' | 'succeeded' | 'failed';
  readonly requestedAt: string; readonly completedAt?: string; readonly stores: readonly StoreOutcome[];
  /** S3 key of the export document (kind export). */ readonly exportKey?: string;
}
/** Port: start a request (idempotent per requestId) and read its status. */
export interface DataRequests {
  start(input: DataRequestInput & { readonly requestId?: string }): Promise<{ readonly requestId: string }>;
  status(requestId: string): Promise<DataRequestStatus | undefined>;
  list(query: { readonly from: string; readonly to: string }): Promise<DataRequestStatus[]>;
}
