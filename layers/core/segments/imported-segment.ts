import { parse } from 'csv-parse/sync';

/** The largest imported segment: what one fan-out worker holds in memory as a set (about 100 bytes an id). */
export const MAX_IMPORTED_USER_IDS = 5_000_000;

const USER_ID_MAX_LENGTH = 128;

export interface UserIdList {
  userIds: string[];
  /** Rows that are not a user id (1-based lines), at most the first 20. */
  errors: { line: number; message: string }[];
}

/**
 * An imported segment as Pinpoint took them: a CSV of user ids in its first column, optionally under a
 * `userId` header; blank lines skipped, duplicates kept once, other columns ignored.
 */
export const parseUserIdList = (text: string): UserIdList => {
  const rows = parse(text, { skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const seen = new Set<string>();
  const errors: UserIdList['errors'] = [];
  rows.forEach(({ record, info }, index) => {
    const value = record[0] ?? '';
    if (value === '' || (index === 0 && /^user_?id$/i.test(value))) return;
    if (value.length > USER_ID_MAX_LENGTH) {
      if (errors.length < 20) errors.push({ line: info.lines, message: `is longer than ${USER_ID_MAX_LENGTH} characters` });
      return;
    }
    seen.add(value);
  });
  if (seen.size > MAX_IMPORTED_USER_IDS) errors.unshift({ line: 0, message: `has ${seen.size} user ids; at most ${MAX_IMPORTED_USER_IDS}` });
  return { userIds: [...seen], errors };
};
