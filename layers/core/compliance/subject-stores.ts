import type { DataRequestKind, StoreOutcome } from './data-requests';

/**
 * The stores a data-subject request visits, by the name its receipt gives each. Adding a store that
 * holds user data means adding it here, to the workflow and to the coverage map the template test
 * checks (infra/data-subject-coverage.ts).
 */
export const SUBJECT_TABLES = ['profiles', 'consents', 'messages', 'timers', 'experiments', 'kpis'] as const;
export type SubjectTable = (typeof SUBJECT_TABLES)[number];

/**
 * Objects: line stores in the Models bucket (newline-delimited), the model artifacts, Personalize's
 * datasets, and earlier export documents in the Reports bucket.
 */
export const SUBJECT_OBJECT_STORES = ['archive', 'decisions', 'personalize-exports', 'models', 'personalize', 'exports'] as const;
export type SubjectObjectStore = (typeof SUBJECT_OBJECT_STORES)[number];

export type SubjectStoreName = SubjectTable | SubjectObjectStore;

/** Every store a request reports on. */
export const SUBJECT_STORES: readonly SubjectStoreName[] = [...SUBJECT_TABLES, ...SUBJECT_OBJECT_STORES];

/** What one store gives an export: its items as they are held, ready for JSON. */
export interface StoreExport {
  readonly store: SubjectStoreName;
  readonly items: readonly unknown[];
  /** What the items leave out and why (e.g. encrypted fields shown masked). */
  readonly note?: string;
}

/** Port: one store's part of a data-subject request. Both operations are idempotent. */
export interface SubjectStore {
  readonly name: SubjectStoreName;
  export(userId: string): Promise<StoreExport>;
  /** Removes the user's items; resolves with how many there were (0 on a second run). */
  erase(userId: string): Promise<number>;
}

/** Runs one store's part of a request and says how it went (a failure is thrown: the workflow retries it). */
export const runStore = async (
  store: SubjectStore,
  kind: DataRequestKind,
  userId: string,
  saveExport: (part: StoreExport) => Promise<void>,
): Promise<StoreOutcome> => {
  if (kind === 'export') {
    const part = await store.export(userId);
    await saveExport(part);
    return { store: store.name, outcome: 'exported', items: part.items.length, ...(part.note && { detail: part.note }) };
  }
  return { store: store.name, outcome: 'erased', items: await store.erase(userId) };
};
