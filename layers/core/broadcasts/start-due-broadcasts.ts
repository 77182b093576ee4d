import type { CampaignSource } from '../ports';
import type { BroadcastStarter } from './broadcast-run';
import { occurrencesStartingIn, type Occurrence } from './occurrences';

/**
 * How far back a scheduler tick looks for fan-outs that should have started: a tick that failed, or a
 * scheduler that was down for less than this, starts them late rather than never. Starting is idempotent.
 */
export const START_LOOKBACK_MS = 2 * 3_600_000;

/** Starts the fan-out of every active broadcast occurrence whose start time has come (the scheduler's tick). */
export const startDueBroadcasts = async (input: { campaigns: CampaignSource; starter: BroadcastStarter; now: Date }): Promise<{ started: { campaignId: string; occurrence: Occurrence }[] }> => {
  const nowMs = input.now.getTime();
  const started: { campaignId: string; occurrence: Occurrence }[] = [];
  for (const campaign of await input.campaigns.active()) {
    const schedule = campaign.trigger.schedule;
    if (!schedule) continue;
    for (const occurrence of occurrencesStartingIn(schedule, nowMs - START_LOOKBACK_MS, nowMs)) {
      if ((await input.starter.start(campaign.id, occurrence)).started) started.push({ campaignId: campaign.id, occurrence });
    }
  }
  return { started };
};
