import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { BroadcastStarter } from '../core/broadcasts/broadcast-run';

/** An execution name per occurrence (at most 80 of [A-Za-z0-9-_]): Step Functions refuses a second one. */
export const broadcastExecutionName = (campaignId: string, occurrence: string): string => `${campaignId}--${occurrence.replace(/[^0-9T]/g, '')}`.slice(0, 80);

/** Starts the Broadcast state machine, once per occurrence: the execution name makes StartExecution idempotent. */
export class SfnBroadcastStarter implements BroadcastStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(campaignId: string, occurrence: string): Promise<{ started: boolean }> {
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: broadcastExecutionName(campaignId, occurrence), input: JSON.stringify({ campaignId, occurrence }) }),
      );
      return { started: true };
    } catch (error) {
      // Same name and same input answers with the running execution instead; a name used before (also for a finished run) throws this.
      if (error instanceof ExecutionAlreadyExists) return { started: false };
      throw error;
    }
  }
}
