import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ModelSchema } from '../template/resolve-rest-apis';

/** Checks a parsed body; returns API Gateway's `validationErrorString`, or undefined when valid. */
export type BodyValidator = (body: unknown) => string | undefined;

/**
 * API Gateway models are JSON Schema draft-04, which Ajv 8 does not load. The differences that
 * matter are rewritten: `$schema` and `id` dropped, boolean `exclusiveMinimum`/`exclusiveMaximum`
 * turned into the numeric form. References to other models are not supported.
 */
export const draft04ToAjv = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(draft04ToAjv);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $schema: _schema, id: _id, ...rest } = schema as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    // Keys under `properties` are property names, not keywords: only their values are schemas.
    result[key] = key === 'properties' || key === 'definitions' || key === 'patternProperties'
      ? Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([name, nested]) => [name, draft04ToAjv(nested)]))
      : draft04ToAjv(value);
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof result[flag] === 'boolean') {
      if (result[flag] === true && typeof result[bound] === 'number') {
        result[flag] = result[bound];
        delete result[bound];
      } else {
        delete result[flag];
      }
    }
  }
  return result;
};

const formatErrors = (errors: readonly ErrorObject[] | null | undefined): string =>
  `[${(errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`).join(', ')}]`;

/** Compiles a model schema once; the returned validator is reused for every request. */
export const compileBodyValidator = (schema: ModelSchema): BodyValidator => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(draft04ToAjv(schema) as object);
  return (body) => (validate(body) ? undefined : formatErrors(validate.errors));
};
