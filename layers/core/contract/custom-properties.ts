import type { FieldError } from './validate-event';

/** The limits of free-form properties (an unregistered custom event's, or `properties.custom`): docs/events.md. */
export const CUSTOM_PROPERTY_LIMITS = {
  /** As JSON in UTF-8: the profile keeps some of them and the archive all of them. */
  maxBytes: 8 * 1024,
  maxKeys: 50,
  /** Objects within objects: `properties.a.b.c` is three levels. */
  maxDepth: 3,
  maxStringLength: 1_024,
  maxArrayItems: 50,
} as const;

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Every way free-form properties at `path` break the limits, each with the field at fault. */
export const customPropertyErrors = (value: unknown, path: string): FieldError[] => {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ path, code: 'WRONG_TYPE', message: 'must be an object' }];
  const errors = walk(value, path, 1);
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > CUSTOM_PROPERTY_LIMITS.maxBytes) errors.push({ path, code: 'OUT_OF_RANGE', message: `is ${bytes} bytes as JSON; at most ${CUSTOM_PROPERTY_LIMITS.maxBytes}` });
  return errors;
};

/** `depth`: the level of objects `value` would be at (the properties object itself is 1; arrays add none). */
const walk = (value: unknown, path: string, depth: number): FieldError[] => {
  if (typeof value === 'string') {
    return value.length > CUSTOM_PROPERTY_LIMITS.maxStringLength ? [{ path, code: 'OUT_OF_RANGE', message: `must be at most ${CUSTOM_PROPERTY_LIMITS.maxStringLength} characters` }] : [];
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return [];
  if (Array.isArray(value)) {
    const errors: FieldError[] = value.length > CUSTOM_PROPERTY_LIMITS.maxArrayItems ? [{ path, code: 'OUT_OF_RANGE', message: `must have at most ${CUSTOM_PROPERTY_LIMITS.maxArrayItems} items` }] : [];
    value.forEach((item, i) => {
      if (Array.isArray(item)) errors.push({ path: `${path}[${i}]`, code: 'WRONG_TYPE', message: 'arrays within arrays are not kept; use objects' });
      else errors.push(...walk(item, `${path}[${i}]`, depth));
    });
    return errors;
  }
  if (typeof value !== 'object') return [{ path, code: 'WRONG_TYPE', message: 'must be a string, number, boolean, null, object or array' }];
  if (depth > CUSTOM_PROPERTY_LIMITS.maxDepth) return [{ path, code: 'OUT_OF_RANGE', message: `nests objects deeper than ${CUSTOM_PROPERTY_LIMITS.maxDepth} levels` }];
  const entries = Object.entries(value);
  const errors: FieldError[] = entries.length > CUSTOM_PROPERTY_LIMITS.maxKeys ? [{ path, code: 'OUT_OF_RANGE', message: `must have at most ${CUSTOM_PROPERTY_LIMITS.maxKeys} keys` }] : [];
  for (const [key, item] of entries) {
    const at = `${path}.${key}`;
    if (!KEY.test(key)) errors.push({ path: at, code: 'INVALID_FORMAT', message: 'keys are letters, digits and _, up to 64, starting with a letter' });
    else errors.push(...walk(item, at, depth + 1));
  }
  return errors;
};
