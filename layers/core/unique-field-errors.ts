import type { ErrorObject } from 'ajv';

/**
 * Ajv's errors translated by `translate` (which drops the ones not worth showing), one per field path
 * and code: a value failing several branches of a schema is reported once, in the order Ajv found it.
 */
export const uniqueFieldErrors = <E extends { readonly path: string; readonly code: string }>(
  errors: readonly ErrorObject[] | null | undefined,
  translate: (error: ErrorObject) => E | undefined,
): E[] => {
  const seen = new Set<string>();
  const out: E[] = [];
  for (const error of errors ?? []) {
    const fieldError = translate(error);
    if (!fieldError) continue;
    const key = `${fieldError.path}|${fieldError.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fieldError);
  }
  return out;
};
