import type { ConsentPurpose, IngestedEvent } from '../contract/pipeline-event';

/** One purpose granted or refused by one event: what the profile keeps per purpose and the Consents table keeps forever. */
export interface ConsentStatement {
  readonly purpose: ConsentPurpose;
  readonly granted: boolean;
  /** The event's (client) time. */
  readonly at: string;
  readonly source: string;
  readonly version?: string;
  /** The event that made it: with `at` and `purpose`, the receipt's key (the same on a replay). */
  readonly insertId: string;
}

const PURPOSES: readonly ConsentPurpose[] = ['tracking', 'push', 'sms', 'in-app', 'email'];

/** Events that only state who the user is or what they consent to: kept whatever the tracking consent. */
export const isIdentityOrConsentEvent = (event: Pick<IngestedEvent, 'type'>): boolean => event.type === 'identify' || event.type === 'consent';

/** The statements an `identify` (its `consent`) or a `consent` event (its `purposes`) makes; none for other events. */
export const consentStatementsOf = (event: IngestedEvent): ConsentStatement[] => {
  const props = event.properties ?? {};
  const stated = event.type === 'consent' ? props.purposes : event.type === 'identify' ? props.consent : undefined;
  if (!stated) return [];
  const source = (event.type === 'consent' ? props.source : props.consent?.source) ?? event.type;
  const version = event.type === 'consent' ? props.version : props.consent?.version;
  return PURPOSES.flatMap((purpose) => {
    const granted = stated[purpose];
    if (typeof granted !== 'boolean') return [];
    return [{ purpose, granted, at: event.timestamp, source, insertId: event.insertId, ...(version !== undefined && { version }) }];
  });
};

/** A statement as the `Consents` table keeps it. */
export interface ConsentReceipt extends ConsentStatement {
  readonly userId: string;
  /** `<statement time ISO>#<purpose>#<insertId>`: sorts by statement time; the same on a replay. */
  readonly receipt: string;
  /** When the pipeline received it (the event's `receivedAt`). */
  readonly recordedAt: string;
}

/** The sort key of a statement's receipt. */
export const receiptKeyOf = (statement: Pick<ConsentStatement, 'at' | 'purpose' | 'insertId'>): string =>
  `${new Date(statement.at).toISOString()}#${statement.purpose}#${statement.insertId}`;

/** The receipts an event's statements make (none for an event that states nothing). */
export const receiptsOf = (event: IngestedEvent): (ConsentStatement & { readonly recordedAt: string })[] =>
  consentStatementsOf(event).map((statement) => ({ ...statement, recordedAt: event.receivedAt }));
