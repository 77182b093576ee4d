import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { SetActiveOptions } from '../../layers/adapters/dynamo-campaign-store';
import type { AuditAction, AuditTrail } from '../../layers/core/audit/audit-trail';
import { campaignTarget } from '../../layers/core/audit/audit-target';
import { jsonDiff } from '../../layers/core/audit/json-diff';
import type { Clock } from '../../layers/core/clock';
import { CampaignInvalidError, CampaignNotFoundError, CampaignVersionConflictError, describeFieldError } from '../../layers/core/campaigns/errors';
import { toCampaignFile } from '../../layers/core/campaigns/parse-campaign';
import type { CampaignStore, StoredCampaign } from '../../layers/core/ports';
import { CAMPAIGN_FILE, campaignFilesIn, checkCampaignFiles } from './load-campaign-files';

export const USAGE = `usage: npm run campaigns -- <command> [--table <CampaignsTable>]
  validate <file|folder>…   check campaign files offline (exit 1 if any is invalid)
  list [--json]             every stored campaign: id, name, active, version, updated
  show <id>                 the stored definition, as a campaign file
  activate <file|id>        a file: validate, store and activate it; an id: activate the stored campaign
  deactivate <id>           stop a campaign (the functions notice within CAMPAIGN_CACHE_TTL_SECONDS)
Against the running local stack (npm start) by default; with --table (or CAMPAIGNS_TABLE_NAME), against
that DynamoDB table with the default AWS credential chain.`;

/** A campaign store the CLI can ask to activate exactly the version it just wrote. */
export type CliCampaignStore = CampaignStore & {
  setActive(id: string, active: boolean, at: Date, options?: SetActiveOptions): Promise<StoredCampaign>;
};

/** What the CLI talks to; the entry point passes the real ones, tests pass fakes. */
export interface CampaignsCliDeps {
  /** Opens the store for `--table` (or the default target); `target` says where, for the messages. */
  openStore(options: { table?: string }): Promise<{ store: CliCampaignStore; target: string; close(): void; audit?: CliAudit }>;
  clock: Clock;
  out(line: string): void;
  err(line: string): void;
}

/** Where the CLI records what it changed, and as whom (the IAM principal, or `local:<user>`). */
export interface CliAudit {
  readonly trail: AuditTrail;
  readonly actor: string;
}

/** The command was called wrongly (exit code 2). */
export class CampaignsCliUsageError extends Error {
  override readonly name = 'CampaignsCliUsageError';
}

/** There is nothing to talk to: no local stack running, or it has no Campaigns table (exit code 1). */
export class CampaignsCliTargetError extends Error {
  override readonly name = 'CampaignsCliTargetError';
}

/** Runs one command; resolves to the process exit code (0 ok, 1 failed or invalid, 2 usage). */
export const runCampaignsCli = async (argv: readonly string[], deps: CampaignsCliDeps): Promise<number> => {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { table: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      (values.help || command === 'help' ? deps.out : deps.err)(USAGE);
      return values.help || command === 'help' ? 0 : 2;
    }
    if (command === 'validate') return validate(rest, deps);
    const store = await openStoreFor(command, rest, values.table, deps);
    try {
      switch (command) {
        case 'list':
          return await list(store.store, values.json, deps);
        case 'show':
          return await show(store.store, single(rest, 'show <id>'), deps);
        case 'activate':
          return await activate(store.store, single(rest, 'activate <file|id>'), store.target, deps, store.audit);
        default:
          return await deactivate(store.store, single(rest, 'deactivate <id>'), store.target, deps, store.audit);
      }
    } finally {
      store.close();
    }
  } catch (error) {
    if (error instanceof CampaignsCliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      deps.err(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof CampaignNotFoundError || error instanceof CampaignVersionConflictError || error instanceof CampaignsCliTargetError) {
      deps.err(error.message);
      return 1;
    }
    deps.err(`failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return 1;
  }
};

const STORE_COMMANDS = new Set(['list', 'show', 'activate', 'deactivate']);

const openStoreFor = (command: string, rest: readonly string[], table: string | undefined, deps: CampaignsCliDeps) => {
  if (!STORE_COMMANDS.has(command)) throw new CampaignsCliUsageError(`unknown command "${command}"`);
  if (command === 'list' && rest.length > 0) throw new CampaignsCliUsageError('list takes no arguments');
  return deps.openStore({ ...(table !== undefined ? { table } : {}) });
};

const single = (rest: readonly string[], usage: string): string => {
  if (rest.length !== 1) throw new CampaignsCliUsageError(`expected: ${usage}`);
  return rest[0]!;
};

/** `events/campaigns/x.yaml:12: /trigger/unless/within: … [CODE]`, one line per problem, for editors and CI logs. */
const reportInvalid = (error: CampaignInvalidError, deps: CampaignsCliDeps) => {
  for (const problem of error.errors) {
    const { line, ...rest } = problem;
    deps.err(`${error.fileName}${line !== undefined ? `:${line}` : ''}: ${describeFieldError(rest)}`);
  }
};

const validate = (paths: readonly string[], deps: CampaignsCliDeps): number => {
  if (paths.length === 0) throw new CampaignsCliUsageError('validate needs at least one file or folder');
  const files = paths.flatMap((path) => {
    if (!existsSync(path)) throw new CampaignsCliUsageError(`no such file or folder: ${path}`);
    return statSync(path).isDirectory() ? campaignFilesIn(path) : [path];
  });
  const results = checkCampaignFiles(files);
  let invalid = 0;
  for (const result of results) {
    if ('campaign' in result) {
      deps.out(`ok       ${result.file} (${result.campaign.id})`);
    } else {
      invalid += 1;
      deps.out(`INVALID  ${result.file}`);
      reportInvalid(result.error, deps);
    }
  }
  deps.out(`${results.length - invalid} valid, ${invalid} invalid`);
  return invalid === 0 ? 0 : 1;
};

const list = async (store: CampaignStore, json: boolean, deps: CampaignsCliDeps): Promise<number> => {
  const stored = await store.list();
  if (json) {
    deps.out(JSON.stringify(stored.map(summaryOf), null, 2));
    return 0;
  }
  const rows = [['ID', 'NAME', 'ACTIVE', 'VERSION', 'UPDATED'], ...stored.map((s) => Object.values(summaryOf(s)).map(String))];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) deps.out(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  if (stored.length === 0) deps.out('(no campaigns stored yet: npm run campaigns -- activate <file>)');
  return 0;
};

const summaryOf = (s: StoredCampaign) => ({ id: s.campaign.id, name: s.campaign.name, active: s.active ? 'yes' : 'no', version: s.version, updated: s.updatedAt });

const show = async (store: CampaignStore, id: string, deps: CampaignsCliDeps): Promise<number> => {
  const stored = await store.get(id);
  if (!stored) throw new CampaignNotFoundError(id);
  // Comments, then the definition as a file: `show x > x.yaml` gives a file to edit and activate again.
  deps.out(`# ${stored.active ? 'active' : 'inactive'}, version ${stored.version}, updated ${stored.updatedAt}`);
  deps.out(stringify(toCampaignFile(stored.campaign), { lineWidth: 0 }).trimEnd());
  return 0;
};

/** An argument is a file when it names one that exists or ends like one; otherwise it is a stored id. */
const isFileArgument = (argument: string) => existsSync(argument) || CAMPAIGN_FILE.test(argument) || argument.includes('/');

/** Records one change in the audit trail, when the target has one. */
const audited = async (audit: CliAudit | undefined, deps: CampaignsCliDeps, at: Date, action: AuditAction, campaignId: string, detail: Record<string, unknown>): Promise<void> => {
  // A change without a known trail (a table of one's own) still goes through, but never silently.
  if (!audit) return deps.err(`not audited (${action}): no audit trail known; set AUDIT_TABLE_NAME from the stack outputs`);
  await audit.trail.record({ at: at.toISOString(), actor: audit.actor, action, target: campaignTarget(campaignId), detail });
};

const activate = async (store: CliCampaignStore, argument: string, target: string, deps: CampaignsCliDeps, audit?: CliAudit): Promise<number> => {
  const at = deps.clock();
  if (!isFileArgument(argument)) {
    const before = await store.get(argument);
    const after = await store.setActive(argument, true, at);
    if (!before?.active) await audited(audit, deps, at, 'campaign.activated', argument, { version: after.version });
    deps.out(before?.active ? `${argument} was already active (version ${after.version}) in ${target}` : `activated ${argument} (version ${after.version}) in ${target}`);
    return 0;
  }
  if (!existsSync(argument)) throw new CampaignsCliUsageError(`no such file: ${argument}`);
  const [result] = checkCampaignFiles([argument]);
  if (!result || 'error' in result) {
    if (result) reportInvalid(result.error, deps);
    deps.err('nothing was stored');
    return 1;
  }
  const previous = await store.get(result.campaign.id);
  const stored = await store.put(result.campaign, at);
  await audited(audit, deps, at, 'campaign.stored', result.campaign.id, { version: stored.version, diff: jsonDiff(previous?.campaign ?? null, stored.campaign) });
  // Activate the version just written, not one someone else stored in between.
  const activated = await store.setActive(result.campaign.id, true, at, { expectedVersion: stored.version });
  await audited(audit, deps, at, 'campaign.activated', result.campaign.id, { version: activated.version });
  deps.out(`stored and activated ${result.campaign.id} (version ${activated.version}) from ${argument} in ${target}`);
  return 0;
};

const deactivate = async (store: CliCampaignStore, id: string, target: string, deps: CampaignsCliDeps, audit?: CliAudit): Promise<number> => {
  const before = await store.get(id);
  const at = deps.clock();
  const after = await store.setActive(id, false, at);
  if (before?.active !== false) await audited(audit, deps, at, 'campaign.deactivated', id, { version: after.version });
  deps.out(before && !before.active ? `${id} was already inactive (version ${after.version}) in ${target}` : `deactivated ${id} (version ${after.version}) in ${target}`);
  return 0;
};
