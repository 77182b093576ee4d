import { parseArgs } from 'node:util';
import { isAuditAction } from '../../layers/core/audit/audit-target';
import type { AuditEntry, AuditTrail } from '../../layers/core/audit/audit-trail';
import type { Clock } from '../../layers/core/clock';

export const LOG_USAGE = 'usage: npm run audit -- log [--from <ISO date>] [--to <ISO date>] [--action <action>] [--actor <arn|local:user>] [--json] [--table <AuditTable>]';

const DAY_MS = 86_400_000;

/** `npm run audit -- log`: the entries of a period (default the last 30 days), one line each or JSON. */
export const runAuditLog = async (argv: readonly string[], deps: { trail: AuditTrail; clock: Clock; out(line: string): void }): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: { from: { type: 'string' }, to: { type: 'string' }, action: { type: 'string' }, actor: { type: 'string' }, json: { type: 'boolean', default: false }, table: { type: 'string' } },
  });
  const to = values.to ? new Date(values.to) : deps.clock();
  const from = values.from ? new Date(values.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new Error(`--from and --to must be ISO dates\n${LOG_USAGE}`);
  if (values.action !== undefined && !isAuditAction(values.action)) throw new Error(`unknown --action ${values.action}\n${LOG_USAGE}`);
  const entries = await deps.trail.list({
    from: from.toISOString(),
    to: to.toISOString(),
    ...(values.action !== undefined && isAuditAction(values.action) && { action: values.action }),
    ...(values.actor !== undefined && { actor: values.actor }),
  });
  if (values.json) deps.out(JSON.stringify(entries, null, 2));
  else for (const entry of entries) deps.out(formatEntry(entry));
  if (!values.json && entries.length === 0) deps.out(`(no audit entries from ${from.toISOString()} to ${to.toISOString()})`);
  return 0;
};

export const formatEntry = (entry: AuditEntry): string =>
  [entry.at, entry.action.padEnd(20), entry.actor, entry.target, entry.detail ? JSON.stringify(entry.detail) : ''].join('  ').trimEnd();
