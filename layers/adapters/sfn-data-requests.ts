import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { DataRequestInput, DataRequests, DataRequestStatus } from '../core/compliance/data-requests';
import type { DataRequestReceipt } from '../core/compliance/request-receipt';

/** Where finished requests' receipts are read (the Reports bucket). */
export interface ReceiptReader {
  receipt(requestId: string): Promise<DataRequestReceipt | undefined>;
  receipts(): AsyncIterable<DataRequestReceipt>;
}

/**
 * Data-subject requests as executions of the `DataRequest` state machine, named by the request id:
 * starting one twice with the same id starts it once (Step Functions refuses a second execution of a
 * name), and the status of a finished one is its receipt, kept in S3 beyond the 90 days Step Functions
 * keeps an execution's history.
 */
export class SfnDataRequests implements DataRequests {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
    private readonly receipts: ReceiptReader,
    private readonly newId: () => string = randomUUID,
  ) {}

  async start(input: DataRequestInput & { readonly requestId?: string }): Promise<{ readonly requestId: string }> {
    const requestId = input.requestId ?? this.newId();
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: requestId,
          input: JSON.stringify({ kind: input.kind, userId: input.userId, requestedBy: input.requestedBy, aliases: input.aliases ?? [] }),
        }),
      );
    } catch (error) {
      // The same id again: the request exists (running or done), which is what the caller asked for.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
    return { requestId };
  }

  async status(requestId: string): Promise<DataRequestStatus | undefined> {
    const receipt = await this.receipts.receipt(requestId);
    if (receipt) return receipt;
    try {
      const execution = await this.client.send(new DescribeExecutionCommand({ executionArn: this.executionArn(requestId) }));
      // The input names the user: only its kind leaves this method.
      const { kind } = JSON.parse(execution.input ?? '{}') as { kind?: DataRequestStatus['kind'] };
      return {
        requestId,
        kind: kind ?? 'export',
        status: execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE' ? 'running' : 'failed',
        requestedAt: (execution.startDate ?? new Date(0)).toISOString(),
        ...(execution.stopDate && { completedAt: execution.stopDate.toISOString() }),
        stores: [],
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  async list(query: { readonly from: string; readonly to: string }): Promise<DataRequestStatus[]> {
    return listReceipts(this.receipts, query);
  }

  private executionArn(requestId: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${requestId}`;
  }
}

/** Finished requests whose request time falls in [from, to), oldest first. */
export const listReceipts = async (receipts: ReceiptReader, query: { readonly from: string; readonly to: string }): Promise<DataRequestReceipt[]> => {
  const found: DataRequestReceipt[] = [];
  for await (const receipt of receipts.receipts()) if (receipt.requestedAt >= query.from && receipt.requestedAt < query.to) found.push(receipt);
  return found.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
};
