/** Machine-readable reasons a campaign file is rejected; stable, listed in docs/campaigns.md. */
export type CampaignErrorCode =
  /** Not parseable as YAML or JSON at all. */
  | 'SYNTAX'
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'WRONG_TYPE'
  | 'INVALID_VALUE'
  /** A duration that is not `<number><ms|s|m|h|d|w>`, or is 0 or longer than its field allows. */
  | 'INVALID_DURATION'
  /** None, or more than one, of the trigger shapes (event alone, count, unless, after). */
  | 'TRIGGER_SHAPE'
  /** `correlateOn` on a trigger without a timer (`unless` or `after`). */
  | 'CORRELATE_WITHOUT_TIMER'
  /** No default content variant (one without `when`), more than one, or not the last. */
  | 'DEFAULT_CONTENT'
  /** A `{{name}}` in a text that deliver does not fill (see CAMPAIGN_PLACEHOLDERS). */
  | 'UNKNOWN_PLACEHOLDER'
  | 'DUPLICATE';

/** One problem in a campaign file, precise enough to fix the file from the message alone. */
export interface CampaignFieldError {
  /** JSON pointer to the field, e.g. `/trigger/unless/within` or `/content/2/when`; `` for the whole file. */
  path: string;
  code: CampaignErrorCode;
  message: string;
  /** 1-based line in the file, when it can be told. */
  line?: number;
}

/** A campaign file that does not pass the schema or the rules the schema cannot express. */
export class CampaignInvalidError extends Error {
  override readonly name = 'CampaignInvalidError';
  constructor(
    /** The file (or `<input>`), as given to `parseCampaign`. */
    readonly fileName: string,
    readonly errors: readonly CampaignFieldError[],
  ) {
    super(
      `${fileName}: invalid campaign (${errors.length} problem${errors.length === 1 ? '' : 's'})\n` +
        errors.map((error) => `  ${describeFieldError(error)}`).join('\n'),
    );
  }
}

/** `/trigger/unless/within (line 12): must be … [INVALID_DURATION]`: one problem on one line. */
export const describeFieldError = (error: CampaignFieldError): string =>
  `${error.path || '(file)'}${error.line !== undefined ? ` (line ${error.line})` : ''}: ${error.message} [${error.code}]`;

/** No stored campaign has this id. */
export class CampaignNotFoundError extends Error {
  override readonly name = 'CampaignNotFoundError';
  constructor(readonly campaignId: string) {
    super(`no stored campaign with id ${campaignId}`);
  }
}

/**
 * Someone else changed the stored campaign between our read and our write; nothing was written.
 * Re-run the command (after looking at `show <id>`) to apply the change on top of theirs.
 */
export class CampaignVersionConflictError extends Error {
  override readonly name = 'CampaignVersionConflictError';
  constructor(
    readonly campaignId: string,
    readonly expectedVersion: number,
    options?: ErrorOptions,
  ) {
    super(
      expectedVersion === 0
        ? `campaign ${campaignId} was created by someone else meanwhile; nothing was written`
        : `campaign ${campaignId} is no longer at version ${expectedVersion} (changed by someone else meanwhile); nothing was written`,
      options,
    );
  }
}
