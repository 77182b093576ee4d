import type { FuncKeywordDefinition } from 'ajv';

/**
 * `"notBefore": "2000-01-01T00:00:00Z"`: a date-time at or after that instant, offsets taken into
 * account. (ajv-formats' formatMinimum compares through `Date#valueOf` and lets 1970-01-01T00:00:00Z
 * through: its epoch 0 reads as "not comparable".) A value that does not parse is left to `format`.
 */
export const notBefore: FuncKeywordDefinition = {
  keyword: 'notBefore',
  type: 'string',
  schemaType: 'string',
  errors: true,
  validate: function check(limit: string, data: string): boolean {
    const ok = !(Date.parse(data) < Date.parse(limit));
    if (!ok) (check as { errors?: unknown[] }).errors = [{ keyword: 'notBefore', params: { limit } }];
    return ok;
  },
};
