/** One difference between two JSON values, at a JSON Pointer path (`/trigger/within`). */
export type JsonChange =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string; readonly old: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly old: unknown; readonly value: unknown };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 6901 escaping of one path segment. */
const segment = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The structural difference of two JSON values (campaign definitions), RFC 6902-like with the old
 * value kept so an audit entry reads on its own. Objects are compared key by key (sorted, so the
 * result is stable), arrays index by index; anything else that differs is replaced whole.
 * No library: the installed `diff` and `jest-diff` compare text, not JSON structure.
 */
export const jsonDiff = (before: unknown, after: unknown, path = ''): JsonChange[] => {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changeAt(before, after, key, `${path}/${segment(key)}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) => index).flatMap((index) => changeAt(before, after, index, `${path}/${index}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ op: 'replace', path: path || '/', old: before, value: after }];
};

const changeAt = (before: object, after: object, key: string | number, path: string): JsonChange[] => {
  const inBefore = Object.prototype.hasOwnProperty.call(before, key) && (before as Record<string, unknown>)[key] !== undefined;
  const inAfter = Object.prototype.hasOwnProperty.call(after, key) && (after as Record<string, unknown>)[key] !== undefined;
  const old = (before as Record<string, unknown>)[key as string];
  const value = (after as Record<string, unknown>)[key as string];
  if (!inBefore && inAfter) return [{ op: 'add', path, value }];
  if (inBefore && !inAfter) return [{ op: 'remove', path, old }];
  if (!inBefore) return [];
  return jsonDiff(old, value, path);
};
