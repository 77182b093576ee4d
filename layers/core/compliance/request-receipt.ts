import { userTarget } from '../audit/audit-target';
import type { DataRequestKind, DataRequestStatus, StoreOutcome } from './data-requests';
import { SUBJECT_STORES } from './subject-stores';

/** What the workflow carries from start to finish (the user id stays out of the receipt). */
export interface DataRequestRun {
  readonly requestId: string;
  readonly kind: DataRequestKind;
  readonly userId: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  /** The anonymous profile keys the user absorbed, read when the request started (absent on older runs). */
  readonly aliases?: readonly string[];
}

/** The lasting record of a request: its status and each store's outcome, the user named only by hash. */
export interface DataRequestReceipt extends DataRequestStatus {
  readonly target: string;
  readonly requestedBy: string;
  /** Erasures: how many sweeps ran (the second catches events that were in flight during the first). */
  readonly sweeps?: number;
}

const SEVERITY: Record<StoreOutcome['outcome'], number> = { exempt: 0, exported: 1, anonymised: 1, erased: 1, failed: 2 };

/**
 * One outcome per store from whatever the workflow's branches returned: a store's outcomes across
 * archive partitions and sweeps are summed, and a failure anywhere is the store's outcome.
 */
export const mergeOutcomes = (results: unknown): StoreOutcome[] => {
  const byStore = new Map<string, StoreOutcome>();
  for (const outcome of flatten(results)) {
    const seen = byStore.get(outcome.store);
    if (!seen) {
      byStore.set(outcome.store, outcome);
      continue;
    }
    const worse = SEVERITY[outcome.outcome] > SEVERITY[seen.outcome] ? outcome : seen;
    const items = (seen.items ?? 0) + (outcome.items ?? 0);
    byStore.set(outcome.store, { ...worse, ...((seen.items !== undefined || outcome.items !== undefined) && { items }) });
  }
  return [...byStore.values()].sort((a, b) => a.store.localeCompare(b.store));
};

/** Outcomes wherever they sit: in arrays (Parallel branches, Map items) or fields (one per sweep). */
const flatten = (value: unknown): StoreOutcome[] => {
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (isOutcome(value)) return [value];
  return typeof value === 'object' && value !== null ? Object.values(value).flatMap(flatten) : [];
};

const isOutcome = (value: unknown): value is StoreOutcome =>
  typeof value === 'object' && value !== null && typeof (value as StoreOutcome).store === 'string' && typeof (value as StoreOutcome).outcome === 'string';

/** The receipt of a finished run. */
export const receiptOf = (run: DataRequestRun, results: unknown, completedAt: Date, extra: { exportKey?: string; sweeps?: number } = {}): DataRequestReceipt => {
  // A store with nothing to visit (an archive with no days yet) reports nothing: it is done, with 0 items.
  const done: StoreOutcome['outcome'] = run.kind === 'export' ? 'exported' : 'erased';
  const visited = flatten(results);
  const quiet = SUBJECT_STORES.filter((store) => !visited.some((outcome) => outcome.store === store)).map((store): StoreOutcome => ({ store, outcome: done, items: 0 }));
  const stores = mergeOutcomes([visited, quiet]);
  return {
    requestId: run.requestId,
    kind: run.kind,
    status: stores.some((store) => store.outcome === 'failed') ? 'failed' : 'succeeded',
    requestedAt: run.requestedAt,
    completedAt: completedAt.toISOString(),
    stores,
    target: userTarget(run.userId),
    requestedBy: run.requestedBy,
    ...(extra.exportKey && { exportKey: extra.exportKey }),
    ...(extra.sweeps !== undefined && { sweeps: extra.sweeps }),
  };
};
