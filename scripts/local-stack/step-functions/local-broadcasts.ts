import type { BroadcastStarter } from '../../../layers/core/broadcasts/broadcast-run';
import { broadcastExecutionName } from '../../../layers/adapters/sfn-broadcast-starter';

/** Runs one execution of the `Broadcast` machine, named `name`, with `input`; resolves when it ends. */
export type BroadcastRunner = (name: string, input: { campaignId: string; occurrence: string }) => Promise<unknown>;

/**
 * Broadcasts on the local stack: each occurrence runs the `Broadcast` state machine from the synthesized
 * template (aws-local-stepfunctions), once per execution name as Step Functions would. Unlike
 * StartExecution, `start` resolves when the run is over, so a scheduler tick (and a test) sees its end;
 * its Wait states take a second (none on a test's clock), and deliver defers each intent to its send time.
 */
export class LocalBroadcasts implements BroadcastStarter {
  private runner?: BroadcastRunner;
  private readonly names = new Set<string>();

  attach(runner: BroadcastRunner): void {
    this.runner = runner;
  }

  async start(campaignId: string, occurrence: string): Promise<{ started: boolean }> {
    if (!this.runner) throw new Error('the local stack has no Broadcast state machine');
    const name = broadcastExecutionName(campaignId, occurrence);
    if (this.names.has(name)) return { started: false };
    this.names.add(name);
    await this.runner(name, { campaignId, occurrence });
    return { started: true };
  }
}
