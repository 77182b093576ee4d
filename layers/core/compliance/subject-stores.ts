import type { DataRequestKind, StoreOutcome } from './data-requests';

/**
 * The stores a data-subject request visits, by the name its receipt gives each. Adding a store that
 * holds user data means adding it here, to the workflow and to the coverage map the template test
 * checks (infra/data-subject-coverage.ts).
 */
export const SUBJECT_TABLES = ['profiles', 'consents', 'messages', 'timers', 'experiments', 'kpis', 'inbox'] as const;
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

/**
 * The ids a store knows one person by: the user id, and for each anonymous profile the user absorbed
 * (`anonymous:<id>`) its key in the tables, or the raw anonymous id in event lines and exports.
 */
export const subjectIdsOf = (userId: string, aliases: readonly string[] = [], form: 'keys' | 'raw' = 'keys'): string[] => [
  userId,
  ...aliases.map((alias) => (form === 'raw' ? alias.replace(/^anonymous:/, '') : alias)),
];

/** Runs one store's part of a request for every id of the person and says how it went (a failure is thrown: the workflow retries it). */
export const runStore = async (
  store: SubjectStore,
  kind: DataRequestKind,
  ids: string | readonly string[],
  saveExport: (part: StoreExport) => Promise<void>,
): Promise<StoreOutcome> => {
  const subjects = typeof ids === 'string' ? [ids] : ids;
  if (kind === 'export') {
    const parts = [];
    for (const id of subjects) parts.push(await store.export(id));
    const part: StoreExport = { store: store.name, items: parts.flatMap((p) => p.items), ...(parts[0]?.note && { note: parts[0].note }) };
    await saveExport(part);
    return { store: store.name, outcome: 'exported', items: part.items.length, ...(part.note && { detail: part.note }) };
  }
  let erased = 0;
  for (const id of subjects) erased += await store.erase(id);
  return { store: store.name, outcome: 'erased', items: erased };
};
