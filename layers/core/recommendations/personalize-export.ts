import type { Interaction } from './interaction';

/** Personalize's interactions dataset schema, as the CSV header names it. */
export const PERSONALIZE_CSV_HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE';

/**
 * Interactions as the CSV a Personalize dataset import reads: epoch seconds, the event type as the
 * kind. Ids are quoted when they hold a comma or a quote (CSV's rule), so no id can shift a column.
 */
export const personalizeCsv = (interactions: readonly Interaction[]): string =>
  [PERSONALIZE_CSV_HEADER, ...interactions.map((i) => [i.userId, i.itemId, String(Math.floor(Date.parse(i.at) / 1000)), i.kind].map(csvField).join(','))].join('\n') + '\n';

const csvField = (value: string): string => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
