import { runAuditLog } from '../../../scripts/audit/audit-log';
import type { AuditEntry } from '../../../layers/core/audit/audit-trail';

const NOW = new Date('2026-12-04T10:00:00Z');

describe('npm run audit -- log', () => {
  it('asks the trail for the last 30 days by default with the filters given, one line per entry', async () => {
    const queries: unknown[] = [];
    const entry: AuditEntry = { at: '2026-12-01T08:00:00.000Z', actor: 'local:alice', action: 'rollout.started', target: 'rollout:c1' };
    const lines: string[] = [];
    const trail = { record: async () => undefined, list: async (query: unknown) => (queries.push(query), [entry]) };

    const code = await runAuditLog(['--action', 'rollout.started', '--actor', 'local:alice'], { trail, clock: () => NOW, out: (line) => lines.push(line) });

    expect(code).toBe(0);
    expect(queries).toEqual([{ from: '2026-11-04T10:00:00.000Z', to: NOW.toISOString(), action: 'rollout.started', actor: 'local:alice' }]);
    expect(lines).toEqual(['2026-12-01T08:00:00.000Z  rollout.started       local:alice  rollout:c1']);
  });

  it('refuses an unknown action', async () => {
    const trail = { record: async () => undefined, list: async () => [] };
    await expect(runAuditLog(['--action', 'campaign.deleted'], { trail, clock: () => NOW, out: () => undefined })).rejects.toThrow(/unknown --action/);
  });
});
