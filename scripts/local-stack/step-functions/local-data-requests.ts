import { randomUUID } from 'node:crypto';
import type { DataRequestInput, DataRequests, DataRequestStatus } from '../../../layers/core/compliance/data-requests';
import { listReceipts, type ReceiptReader } from '../../../layers/adapters/sfn-data-requests';
import type { Clock } from '../../../layers/core/clock';

/** Runs one execution of the `DataRequest` machine, named `name`, with `input`. */
export type DataRequestRunner = (name: string, input: { kind: string; userId: string; requestedBy: string; aliases: readonly string[] }) => Promise<unknown>;

interface Execution {
  readonly kind: DataRequestStatus['kind'];
  readonly requestedAt: string;
  failed?: boolean;
}

/**
 * Data-subject requests on the local stack: each runs the `DataRequest` state machine from the
 * synthesized template (aws-local-stepfunctions) in the background, as StartExecution would, and its
 * status is the receipt the workflow wrote to the local Reports bucket. The runner is attached once the
 * stack's functions exist (the admin function is built before them, with this object).
 */
export class LocalDataRequests implements DataRequests {
  private runner?: DataRequestRunner;
  private readonly executions = new Map<string, Execution>();

  constructor(
    private readonly receipts: ReceiptReader,
    private readonly clock: Clock,
  ) {}

  attach(runner: DataRequestRunner): void {
    this.runner = runner;
  }

  async start(input: DataRequestInput & { readonly requestId?: string }): Promise<{ readonly requestId: string }> {
    const run = this.runner;
    if (!run) throw new Error('the local stack has no DataRequest state machine');
    const requestId = input.requestId ?? randomUUID();
    if (this.executions.has(requestId)) return { requestId };
    const execution: Execution = { kind: input.kind, requestedAt: this.clock().toISOString() };
    this.executions.set(requestId, execution);
    // In the background, as StartExecution returns before the execution ends; a failure is its status.
    void run(requestId, { kind: input.kind, userId: input.userId, requestedBy: input.requestedBy, aliases: input.aliases ?? [] }).catch(() => {
      execution.failed = true;
    });
    return { requestId };
  }

  async status(requestId: string): Promise<DataRequestStatus | undefined> {
    const receipt = await this.receipts.receipt(requestId);
    if (receipt) return receipt;
    const execution = this.executions.get(requestId);
    if (!execution) return undefined;
    return { requestId, kind: execution.kind, status: execution.failed ? 'failed' : 'running', requestedAt: execution.requestedAt, stores: [] };
  }

  list(query: { readonly from: string; readonly to: string }): Promise<DataRequestStatus[]> {
    return listReceipts(this.receipts, query);
  }
}
