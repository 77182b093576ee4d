import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { BATCH_SCHEMA, COMMON_SCHEMA, EVENT_SCHEMAS } from './event-schemas';
import { CUSTOM_EVENT_NAME, CUSTOM_EVENT_SCHEMA, REGISTERED_CUSTOM_EVENT_SCHEMAS } from './custom-event-schemas';
import { customPropertyErrors } from './custom-properties';
import { EVENT_TYPES, type EventType, type IngestedEvent, type PipelineEvent } from './pipeline-event';
import { canonicalTimeZone } from '../time-zone';
import { notBefore } from './not-before-keyword';
import { uniqueFieldErrors } from '../unique-field-errors';

/** Machine-readable reasons a field is rejected; stable, documented in the README. */
export type FieldErrorCode =
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'WRONG_TYPE'
  | 'INVALID_VALUE'
  | 'INVALID_FORMAT'
  | 'OUT_OF_RANGE'
  | 'UNKNOWN_TIME_ZONE'
  | 'MISSING_IDENTITY';

export interface FieldError {
  /** Where the problem is, e.g. `properties.items[0].price`; empty for the event itself. */
  path: string;
  code: FieldErrorCode;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv, ['date-time']);
ajv.addKeyword(notBefore);
ajv.addFormat('iana-time-zone', { type: 'string', validate: (zone: string) => canonicalTimeZone(zone) !== undefined });
ajv.addSchema(COMMON_SCHEMA);
const checkBatch = ajv.compile<{ events: unknown[] }>(BATCH_SCHEMA);
const checkByType = new Map<string, ReturnType<typeof ajv.compile<PipelineEvent>>>([
  ...EVENT_TYPES.map((type) => [type, ajv.compile<PipelineEvent>(EVENT_SCHEMAS[type])] as const),
  ...Object.entries(REGISTERED_CUSTOM_EVENT_SCHEMAS).map(([type, schema]) => [type, ajv.compile<PipelineEvent>(schema)] as const),
]);
const checkCustom = ajv.compile<PipelineEvent>(CUSTOM_EVENT_SCHEMA);

/** The schema an event type is checked with: its own (standard or registered), else the free-form custom one. */
const checkOf = (type: unknown) => checkByType.get(type as string) ?? (typeof type === 'string' && CUSTOM_EVENT_NAME.test(type) ? checkCustom : undefined);

/** Free-form properties: an unregistered custom event's, or `properties.custom` of any other. */
const freeFormErrors = (candidate: Record<string, unknown>): FieldError[] => {
  const properties = candidate.properties as Record<string, unknown> | undefined;
  if (!checkByType.has(candidate.type as string)) return customPropertyErrors(properties, 'properties');
  return properties && typeof properties === 'object' ? customPropertyErrors(properties.custom, 'properties.custom') : [];
};

/**
 * Validates one event against the schema of its type (`events/schemas/events/<type>.schema.json`).
 * Dispatching on `type` first keeps the errors about the fields that matter for that type.
 */
export const validateEvent = (candidate: unknown): Validation<PipelineEvent> => {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return { ok: false, errors: [{ path: '', code: 'WRONG_TYPE', message: 'must be an object' }] };
  }
  const type = (candidate as { type?: unknown }).type;
  if (type === undefined) return { ok: false, errors: [{ path: 'type', code: 'MISSING_FIELD', message: 'is required' }] };
  const check = checkOf(type);
  if (!check) {
    return { ok: false, errors: [{ path: 'type', code: 'INVALID_VALUE', message: `must be one of ${EVENT_TYPES.join(', ')}, or a custom event's name (lowercase letters, digits and _, 2 to 40, starting with a letter)` }] };
  }
  const own = [...unstorableNumbers(candidate), ...freeFormErrors(candidate as Record<string, unknown>)];
  if (check(candidate) && own.length === 0) return { ok: true, value: candidate };
  const taken = new Set(own.map((error) => error.path));
  return { ok: false, errors: [...own, ...toFieldErrors(check.errors).filter((error) => !taken.has(error.path))] };
};

/**
 * What the profile store can write: the DynamoDB document client refuses numbers beyond
 * ±Number.MAX_SAFE_INTEGER (it cannot write them exactly), and DynamoDB non-zero magnitudes below
 * 1e-130. JSON.parse turns a literal beyond a double's range (`1e999`) into Infinity, which no store
 * takes and JSON.stringify writes as `null`. Accepting any of them would fail the user's profile write
 * on every retry.
 */
const LARGEST_NUMBER = Number.MAX_SAFE_INTEGER;
const SMALLEST_NUMBER = 1e-130;

/** Whether the profile store can write the number as it is (the fold checks its sums with it too). */
export const isStorableNumber = (value: number): boolean => {
  const magnitude = Math.abs(value);
  return Number.isFinite(value) && magnitude <= LARGEST_NUMBER && (magnitude === 0 || magnitude >= SMALLEST_NUMBER);
};

/** Every number in the event, typed by a schema or free (traits), that could not be stored as it is. */
const unstorableNumbers = (value: unknown, path = ''): FieldError[] => {
  if (typeof value === 'number') {
    return isStorableNumber(value) ? [] : [{ path, code: 'OUT_OF_RANGE', message: 'must be a finite number from 1e-130 to 9007199254740991 (2^53 - 1) in magnitude, or 0' }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableNumbers(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => unstorableNumbers(item, join(path, key)));
  return [];
};

/** Validates the batch envelope against `events/schemas/batch.schema.json` (the API Gateway model). */
export const validateBatchEnvelope = (candidate: unknown): Validation<{ events: unknown[] }> =>
  checkBatch(candidate) ? { ok: true, value: candidate } : { ok: false, errors: toFieldErrors(checkBatch.errors) };

/** Validates a record read back from the stream: an event plus the server's `receivedAt`. */
export const validateIngestedEvent = (candidate: unknown): Validation<IngestedEvent> => {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return { ok: false, errors: [{ path: '', code: 'WRONG_TYPE', message: 'must be an object' }] };
  }
  const { receivedAt, ipPrefix, clientTimestamp, ...event } = candidate as Record<string, unknown>;
  if (typeof receivedAt !== 'string' || Number.isNaN(Date.parse(receivedAt))) {
    return { ok: false, errors: [{ path: 'receivedAt', code: 'INVALID_FORMAT', message: 'must be an ISO-8601 time' }] };
  }
  const result = validateEvent(event);
  if (!result.ok) return result;
  return {
    ok: true,
    value: {
      ...result.value,
      receivedAt,
      ...(typeof ipPrefix === 'string' ? { ipPrefix } : {}),
      ...(typeof clientTimestamp === 'string' ? { clientTimestamp } : {}),
    },
  };
};

const toFieldErrors = (errors: ErrorObject[] | null | undefined): FieldError[] => uniqueFieldErrors(errors, toFieldError);

const toFieldError = (error: ErrorObject): FieldError | undefined => {
  const path = toPath(error.instancePath);
  switch (error.keyword) {
    // The only anyOf in the contract is "userId or anonymousId"; its branch errors are noise.
    case 'anyOf':
      return { path, code: 'MISSING_IDENTITY', message: 'must have userId or anonymousId' };
    case 'required': {
      if (error.schemaPath.includes('/anyOf/')) return undefined;
      const missing = String(error.params.missingProperty);
      return { path: join(path, missing), code: 'MISSING_FIELD', message: 'is required' };
    }
    case 'additionalProperties':
      return {
        path: join(path, String(error.params.additionalProperty)),
        code: 'UNKNOWN_FIELD',
        message: 'is not part of the contract',
      };
    case 'type':
      return { path, code: 'WRONG_TYPE', message: error.message ?? 'has the wrong type' };
    case 'format':
      return error.params.format === 'iana-time-zone'
        ? { path, code: 'UNKNOWN_TIME_ZONE', message: 'must be an IANA time zone name this runtime knows, e.g. "Europe/London"' }
        : { path, code: 'INVALID_FORMAT', message: error.message ?? 'has the wrong format' };
    case 'notBefore':
      return { path, code: 'OUT_OF_RANGE', message: `must be at or after ${String(error.params.limit)}` };
    case 'const':
      return { path, code: 'INVALID_VALUE', message: `must be ${JSON.stringify(error.params.allowedValue)}` };
    default:
      return { path, code: 'INVALID_VALUE', message: error.message ?? 'is not allowed' };
  }
};

/** `/properties/items/0/price` → `properties.items[0].price` */
const toPath = (instancePath: string): string =>
  instancePath
    .split('/')
    .filter(Boolean)
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : join(path, segment)), '');

const join = (path: string, segment: string): string => (path ? `${path}.${segment}` : segment);
