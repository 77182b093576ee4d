import { parseArgs } from 'node:util';
import type { BroadcastRun, BroadcastRuns } from '../../layers/core/broadcasts/broadcast-run';
import { fanOutStartOf, occurrencesStartingIn } from '../../layers/core/broadcasts/occurrences';
import type { Campaign } from '../../layers/core/campaigns/campaign';

export const USAGE = 'usage: npm run broadcasts -- upcoming <campaign> [--days <n>] | status <campaign> [--json] | cancel <campaign>';

/** Where the CLI reads campaigns and runs, and how it cancels (deactivate, then stop the running fan-outs). */
export interface BroadcastsCliDeps {
  readonly open: () => Promise<{
    campaign: (id: string) => Promise<{ campaign: Campaign; active: boolean } | undefined>;
    runs: BroadcastRuns;
    deactivate: (id: string) => Promise<void>;
    /** Stops the campaign's running Broadcast executions (AWS); answers how many. */
    stopExecutions?: (id: string) => Promise<number>;
    close: () => void;
  }>;
  readonly now: () => Date;
}

/** `npm run broadcasts`: lines to print and the exit code. */
export const runBroadcastsCli = async (argv: readonly string[], deps: BroadcastsCliDeps): Promise<{ lines: string[]; exitCode: number }> => {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { days: { type: 'string', default: '14' }, json: { type: 'boolean', default: false }, table: { type: 'string' }, 'state-machine': { type: 'string' } } });
  const [command, id] = positionals;
  if (!command || !id || !['upcoming', 'status', 'cancel'].includes(command)) return { lines: [USAGE], exitCode: 2 };
  const target = await deps.open();
  try {
    const stored = await target.campaign(id);
    if (!stored?.campaign.trigger.schedule) return { lines: [`no broadcast campaign "${id}" is stored (a campaign with trigger.schedule)`], exitCode: 1 };
    if (command === 'upcoming') return { lines: upcoming(stored.campaign, deps.now(), Number(values.days)), exitCode: 0 };
    if (command === 'status') {
      const runs = await target.runs.list(id);
      return { lines: values.json ? [JSON.stringify(runs, null, 2)] : [`${id}: ${stored.active ? 'active' : 'inactive'}`, ...(runs.length === 0 ? ['no occurrence has started'] : runs.map(describeRun))], exitCode: 0 };
    }
    await target.deactivate(id);
    const stopped = (await target.stopExecutions?.(id)) ?? 0;
    return {
      lines: [`${id} deactivated: no wave sends from now on, and deliver suppresses what is queued or deferred (CAMPAIGN_NOT_ACTIVE)`, ...(target.stopExecutions ? [`running fan-outs stopped: ${stopped}`] : [])],
      exitCode: 0,
    };
  } finally {
    target.close();
  }
};

const describeRun = (run: BroadcastRun): string => {
  const leftOut = Object.entries(run.leftOut).map(([reason, count]) => `${reason} ${count}`).join(', ');
  return `${run.occurrence}  ${run.status.padEnd(9)} scanned ${run.scanned}, recipients ${run.recipients} in ${run.waves} waves, enqueued ${run.enqueued}${leftOut ? `; left out: ${leftOut}` : ''}  (started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''})`;
};

const upcoming = (campaign: Campaign, now: Date, days: number): string[] => {
  const schedule = campaign.trigger.schedule!;
  const occurrences = occurrencesStartingIn(schedule, now.getTime(), now.getTime() + days * 86_400_000);
  if (occurrences.length === 0) return [`${campaign.id}: no occurrence starts in the next ${days} days`];
  const zone = schedule.timeZone ? `in ${schedule.timeZone}` : 'in each user\'s own time zone';
  return occurrences.map((occurrence) => `${occurrence} ${zone}: the fan-out starts ${new Date(fanOutStartOf(schedule, occurrence)).toISOString()}`);
};
