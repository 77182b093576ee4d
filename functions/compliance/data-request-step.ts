import type { StoreOutcome } from '../../layers/core/compliance/data-requests';
import { receiptOf, type DataRequestReceipt, type DataRequestRun } from '../../layers/core/compliance/request-receipt';
import { runStore, subjectIdsOf, SUBJECT_STORES, type StoreExport, type SubjectObjectStore, type SubjectStore, type SubjectTable } from '../../layers/core/compliance/subject-stores';
import type { DeletionStatus } from '../../layers/adapters/personalize-data-deletion';

/** A line store's partition the workflow's Map visits. */
export interface LinePartition {
  readonly store: Extract<SubjectObjectStore, 'archive' | 'decisions' | 'personalize-exports'>;
  readonly prefix: string;
}

/** The steps of the `DataRequest` state machine, as its Task states send them. */
export type DataRequestStep =
  | { readonly step: 'store'; readonly store: SubjectTable | 'models' | 'exports'; readonly request: DataRequestRun }
  | { readonly step: 'partitions'; readonly request: DataRequestRun }
  | { readonly step: 'lines'; readonly partition: LinePartition; readonly request: DataRequestRun }
  | { readonly step: 'personalize-start'; readonly request: DataRequestRun }
  | { readonly step: 'personalize-status'; readonly jobArn: string; readonly request: DataRequestRun }
  | { readonly step: 'finish'; readonly request: DataRequestRun; readonly results: unknown; readonly sweeps?: number };

/** Personalize's erasure, when the deployment uses it. */
export interface PersonalizeErasure {
  start(userId: string, requestId: string): Promise<string>;
  status(jobArn: string): Promise<DeletionStatus>;
  cleanUp(requestId: string): Promise<void>;
}

/** What the steps work with (adapters in AWS and locally, fakes in unit tests). */
export interface DataRequestDependencies {
  readonly stores: ReadonlyMap<SubjectTable | 'models' | 'exports', SubjectStore>;
  readonly lines: (partition: LinePartition) => SubjectStore;
  readonly partitions: () => Promise<LinePartition[]>;
  readonly personalize?: PersonalizeErasure;
  readonly files: {
    savePart(requestId: string, partName: string, part: StoreExport): Promise<void>;
    assembleExport(requestId: string, userId: string, at: Date, storeNames: readonly string[]): Promise<string>;
    saveReceipt(receipt: DataRequestReceipt): Promise<void>;
  };
  readonly now: () => Date;
}

const NO_PERSONALIZE: StoreOutcome = { store: 'personalize', outcome: 'exempt', detail: 'Amazon Personalize is not configured for this deployment' };
const PERSONALIZE_EXPORT: StoreOutcome = {
  store: 'personalize',
  outcome: 'exempt',
  detail: 'Personalize has no API that reads one user; what it holds was sent from the events archive, whose lines are in this export',
};

/** One step of a data-subject request. Every step is idempotent: Step Functions retries it as it is. */
export const dataRequestStep = async (input: DataRequestStep, deps: DataRequestDependencies): Promise<unknown> => {
  const { request } = input;
  const save = (partName: string) => (part: StoreExport) => deps.files.savePart(request.requestId, partName, part);
  switch (input.step) {
    case 'store': {
      const store = deps.stores.get(input.store);
      if (!store) throw new Error(`no data-subject handler for store ${input.store}`);
      return runStore(store, request.kind, subjectIdsOf(request.userId, request.aliases), save(input.store));
    }
    case 'partitions':
      return { partitions: await deps.partitions() };
    case 'lines':
      // Event lines name an absorbed device by its raw anonymousId.
      return runStore(deps.lines(input.partition), request.kind, subjectIdsOf(request.userId, request.aliases, 'raw'), save(input.partition.prefix));
    case 'personalize-start':
      if (request.kind === 'export') {
        await deps.files.savePart(request.requestId, 'personalize', { store: 'personalize', items: [], note: PERSONALIZE_EXPORT.detail! });
        return { outcome: PERSONALIZE_EXPORT };
      }
      if (!deps.personalize) return { outcome: NO_PERSONALIZE };
      return { jobArn: await deps.personalize.start(request.userId, request.requestId) };
    case 'personalize-status':
      return personalizeStatus(input.jobArn, request, deps.personalize!);
    case 'finish':
      return finish(input.request, input.results, input.sweeps, deps);
  }
};

const personalizeStatus = async (jobArn: string, request: DataRequestRun, personalize: PersonalizeErasure): Promise<{ done: boolean; outcome?: StoreOutcome }> => {
  const job = await personalize.status(jobArn);
  if (job.status === 'IN_PROGRESS') return { done: false };
  await personalize.cleanUp(request.requestId);
  if (job.status === 'FAILED') return { done: true, outcome: { store: 'personalize', outcome: 'failed', detail: 'the data deletion job failed; see it in the Personalize console' } };
  return { done: true, outcome: { store: 'personalize', outcome: 'erased', ...(job.deleted !== undefined && { items: job.deleted }) } };
};

const finish = async (request: DataRequestRun, results: unknown, sweeps: number | undefined, deps: DataRequestDependencies): Promise<DataRequestReceipt> => {
  const exportKey = request.kind === 'export' ? await deps.files.assembleExport(request.requestId, request.userId, deps.now(), SUBJECT_STORES) : undefined;
  const receipt = receiptOf(request, results, deps.now(), { ...(exportKey && { exportKey }), ...(sweeps !== undefined && { sweeps }) });
  await deps.files.saveReceipt(receipt);
  return receipt;
};
