import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubjectTable } from '../core/compliance/subject-stores';
import { DynamoSubjectStore, type UserPartition } from './dynamo-subject-stores';
import { userPk } from './dynamo-experiment-store';
import { touchPk } from './dynamo-kpi-store';

/** The table names a data-subject request needs. */
export type SubjectTableNames = Readonly<Record<SubjectTable, string>>;

/**
 * Where each table keeps a user's items, next to the adapters that write them. Messages holds the
 * user's decisions and caps (the rate-limit buckets are in other partitions); Experiments and Kpis hold
 * per-user exposures and touches beside counters that are aggregates and stay.
 */
export const subjectTables = (client: DynamoDBDocumentClient, names: SubjectTableNames): DynamoSubjectStore[] => {
  const byUser = (name: SubjectTable, sortKey?: string): UserPartition => ({ name, tableName: names[name], partitionKey: 'userId', ...(sortKey && { sortKey }), partitionOf: (id) => id });
  const partitions: UserPartition[] = [
    {
      ...byUser('profiles'),
      exportItem: showMasked,
      exportNote: 'phone numbers and push endpoints are held encrypted (only delivery can decrypt them): shown masked',
    },
    byUser('consents', 'receipt'),
    byUser('messages', 'sk'),
    byUser('timers', 'key'),
    byUser('inbox', 'sk'),
    { name: 'experiments', tableName: names.experiments, partitionKey: 'pk', sortKey: 'sk', partitionOf: userPk, sortKeyPrefix: 'EXPOSURE#' },
    { name: 'kpis', tableName: names.kpis, partitionKey: 'pk', sortKey: 'sk', partitionOf: touchPk },
  ];
  return partitions.map((partition) => new DynamoSubjectStore(client, { exportItem: showMasked, ...partition }));
};

/** An item as JSON can hold it: a sealed address (`{ ciphertext, masked }`) as its masked form, sets as arrays. */
const showMasked = (value: unknown): unknown => {
  if (value instanceof Uint8Array) return '(encrypted)';
  if (value instanceof Set) return [...value].map(showMasked);
  if (Array.isArray(value)) return value.map(showMasked);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.ciphertext instanceof Uint8Array && typeof record.masked === 'string') return `${record.masked} (encrypted)`;
  return Object.fromEntries(Object.entries(record).map(([key, field]) => [key, showMasked(field)]));
};
