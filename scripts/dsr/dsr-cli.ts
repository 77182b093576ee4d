import { parseArgs } from 'node:util';
import type { DataRequestStatus } from '../../layers/core/compliance/data-requests';
import { adminTarget, callAdmin, type AdminAnswer, type AdminTarget } from './admin-client';

export const USAGE = 'usage: npm run dsr -- export <userId> | erase <userId> | status <requestId> [--wait] [--json] [--url <ApiUrl>]';

/** How often --wait asks again, and for how long at most. */
const POLL_MS = 2_000;
const WAIT_LIMIT_MS = 30 * 60_000;

/** What the command prints and how it ends, apart from where it writes (tests read this). */
export interface DsrOutput {
  readonly lines: string[];
  readonly exitCode: number;
}

/**
 * `npm run dsr`: starts a data-subject export or erasure through the admin API (SigV4-signed, so the
 * caller's IAM identity is what the audit trail records), or shows a request's status, store by store.
 * The user id is sent, never printed back: the terminal may be logged.
 */
export const runDsr = async (argv: readonly string[], deps: { target?: AdminTarget; sleep?: (ms: number) => Promise<void> } = {}): Promise<DsrOutput> => {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { wait: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, url: { type: 'string' } } });
  const [command, id] = positionals;
  if (!id || !['export', 'erase', 'status'].includes(command ?? '')) return { lines: [USAGE], exitCode: 2 };
  const target = deps.target ?? adminTarget(values.url ?? process.env.ADMIN_API_URL);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const lines: string[] = [];

  let requestId = id;
  if (command !== 'status') {
    const started = await callAdmin(target, 'POST', `v1/admin/users/${encodeURIComponent(id)}/${command === 'export' ? 'exports' : 'erasures'}`);
    if (started.status !== 202) return failed(started, lines);
    requestId = String(started.body.requestId);
    lines.push(`${command} started: request ${requestId}`);
    if (!values.wait) {
      lines.push(`follow it with: npm run dsr -- status ${requestId} --wait`);
      return { lines, exitCode: 0 };
    }
  }

  const read = () => callAdmin(target, 'GET', `v1/admin/requests/${encodeURIComponent(requestId)}`);
  // While waiting, a 503 (the status could not be read just then) is asked again like a running request.
  const pending = (answer: AdminAnswer) => answer.status === 503 || (answer.status === 200 && (answer.body as unknown as DataRequestStatus).status === 'running');
  let answer = await read();
  for (const deadline = Date.now() + WAIT_LIMIT_MS; values.wait && pending(answer) && Date.now() < deadline; ) {
    await sleep(POLL_MS);
    answer = await read();
  }
  if (answer.status !== 200) return failed(answer, lines);
  const status = answer.body as unknown as DataRequestStatus;
  lines.push(...(values.json ? [JSON.stringify(status, null, 2)] : describe(status)));
  return { lines, exitCode: status.status === 'failed' ? 1 : 0 };
};

const failed = (answer: AdminAnswer, lines: string[]): DsrOutput => {
  const error = (answer.body.error ?? answer.body) as { code?: string; message?: string };
  lines.push(`refused (${answer.status}): ${error.code ?? 'ERROR'}: ${error.message ?? JSON.stringify(answer.body)}`);
  return { lines, exitCode: 1 };
};

/** The status as a few lines and a table of stores. */
export const describe = (status: DataRequestStatus): string[] => {
  const header = `request ${status.requestId}: ${status.kind}, ${status.status}; asked ${status.requestedAt}${status.completedAt ? `, done ${status.completedAt}` : ''}`;
  const rows = status.stores.map((store) => `  ${store.store.padEnd(20)} ${store.outcome.padEnd(9)} ${String(store.items ?? '').padStart(6)}  ${store.detail ?? ''}`.trimEnd());
  return [header, ...(rows.length > 0 ? ['  store                outcome    items', ...rows] : []), ...(status.exportKey ? [`export document: ${status.exportKey} in the Reports bucket`] : [])];
};
