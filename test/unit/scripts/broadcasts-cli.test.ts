import type { BroadcastRun } from '../../../layers/core/broadcasts/broadcast-run';
import { runBroadcastsCli } from '../../../scripts/broadcasts/broadcasts-cli';
import { campaignFactory } from '../../helpers/campaign-factories';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const friday = campaignFactory({ id: 'friday-deals', trigger: { schedule: { cron: '0 10 * * FRI' } } });
const run: BroadcastRun = { campaignId: 'friday-deals', occurrence: '2026-11-27T10:00', status: 'done', startedAt: '2026-11-26T19:45:00.000Z', finishedAt: '2026-11-27T18:00:05.000Z', scanned: 10, recipients: 7, enqueued: 7, waves: 3, leftOut: { notInAudience: 3 } };

describe('npm run broadcasts', () => {
  const target = () => {
    const calls: string[] = [];
    return {
      calls,
      deps: {
        now: () => NOW,
        open: async () => ({
          campaign: async (id: string) => (id === friday.id ? { campaign: friday, active: true } : undefined),
          runs: { list: async () => [run] } as never,
          deactivate: async (id: string) => void calls.push(`deactivate ${id}`),
          stopExecutions: async (id: string) => (calls.push(`stop ${id}`), 1),
          close: () => void calls.push('close'),
        }),
      },
    };
  };

  it('lists the coming occurrences with the time each fan-out starts', async () => {
    const { lines } = await runBroadcastsCli(['upcoming', 'friday-deals', '--days', '7'], target().deps);
    expect(lines).toEqual(['2026-12-04T10:00 in each user\'s own time zone: the fan-out starts 2026-12-03T19:45:00.000Z']);
  });

  it('shows each occurrence’s progress', async () => {
    const { lines, exitCode } = await runBroadcastsCli(['status', 'friday-deals'], target().deps);
    expect(exitCode).toBe(0);
    expect(lines).toEqual(['friday-deals: active', expect.stringMatching(/^2026-11-27T10:00 {2}done {6}scanned 10, recipients 7 in 3 waves, enqueued 7; left out: notInAudience 3/)]);
  });

  it('cancels: deactivates the campaign, then stops its running fan-outs', async () => {
    const { deps, calls } = target();
    const { lines } = await runBroadcastsCli(['cancel', 'friday-deals'], deps);
    expect(calls).toEqual(['deactivate friday-deals', 'stop friday-deals', 'close']);
    expect(lines[1]).toBe('running fan-outs stopped: 1');
  });

  it('refuses a campaign that is not a broadcast, and prints its usage without a command', async () => {
    expect((await runBroadcastsCli(['status', 'nope'], target().deps)).exitCode).toBe(1);
    expect((await runBroadcastsCli([], target().deps)).exitCode).toBe(2);
  });
});
