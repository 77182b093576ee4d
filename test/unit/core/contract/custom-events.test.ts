import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTERED_CUSTOM_EVENT_SCHEMAS } from '../../../../layers/core/contract/custom-event-schemas';
import { CUSTOM_PROPERTY_LIMITS } from '../../../../layers/core/contract/custom-properties';
import { validateEvent } from '../../../../layers/core/contract/validate-event';
import { eventFactory } from '../../../helpers/factories';

const custom = (type: string, properties?: unknown) => ({ ...eventFactory(), type, ...(properties !== undefined && { properties }) });
const errorsOf = (candidate: unknown) => {
  const result = validateEvent(candidate);
  return result.ok ? [] : result.errors.map(({ path, code }) => `${path} ${code}`);
};

describe('custom events', () => {
  it('registers every schema of events/schemas/custom/, by its file name', () => {
    const files = readdirSync(join(__dirname, '../../../../events/schemas/custom')).filter((f) => f.endsWith('.schema.json'));
    expect(files.map((f) => f.replace('.schema.json', '')).sort()).toEqual(Object.keys(REGISTERED_CUSTOM_EVENT_SCHEMAS).sort());
  });

  it('validates a registered custom event as strictly as a standard one', () => {
    expect(errorsOf(custom('wishlist_add', { productId: 'P-1', category: 'kitchen' }))).toEqual([]);
    expect(errorsOf(custom('wishlist_add', { productId: 'P-1', colour: 'red' }))).toEqual(['properties.colour UNKNOWN_FIELD']);
    expect(errorsOf(custom('wishlist_add', {}))).toEqual(['properties.productId MISSING_FIELD']);
  });

  it('accepts an unregistered custom event with free-form properties within the limits', () => {
    expect(errorsOf(custom('search', { query: 'mug', filters: { colour: ['red', 'blue'], inStock: true }, results: 12 }))).toEqual([]);
    expect(errorsOf(custom('app_rated'))).toEqual([]);
  });

  it('refuses each property beyond the limits with its path and code', () => {
    // Prepare
    const tooDeep = { a: { b: { c: { d: 1 } } } };
    const tooManyKeys = Object.fromEntries(Array.from({ length: CUSTOM_PROPERTY_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]));
    const big = { text: 'x'.repeat(CUSTOM_PROPERTY_LIMITS.maxStringLength + 1), list: Array.from({ length: CUSTOM_PROPERTY_LIMITS.maxArrayItems + 1 }, () => 1), 'bad key': 1, nested: [[1]] };

    // Act / Assess
    expect(errorsOf(custom('search', tooDeep))).toEqual(['properties.a.b.c OUT_OF_RANGE']);
    expect(errorsOf(custom('search', tooManyKeys))).toEqual(['properties OUT_OF_RANGE']);
    expect(errorsOf(custom('search', big)).sort()).toEqual(['properties.bad key INVALID_FORMAT', 'properties.list OUT_OF_RANGE', 'properties.nested[0] WRONG_TYPE', 'properties.text OUT_OF_RANGE']);
    expect(errorsOf(custom('search', { blob: Array.from({ length: 10 }, () => 'y'.repeat(1_000)) }))).toEqual(['properties OUT_OF_RANGE']);
    expect(errorsOf(custom('search', 'not an object'))).toContain('properties WRONG_TYPE');
  });

  it('takes the app’s own properties on a standard event under properties.custom only', () => {
    expect(errorsOf(eventFactory({ type: 'product_view', properties: { productId: 'P-1', custom: { colour: 'red', size: 42 } } }))).toEqual([]);
    expect(errorsOf(eventFactory({ type: 'product_view', properties: { productId: 'P-1', colour: 'red' } as never }))).toEqual(['properties.colour UNKNOWN_FIELD']);
    expect(errorsOf(eventFactory({ type: 'product_view', properties: { productId: 'P-1', custom: { 'a-b': 1 } } }))).toEqual(['properties.custom.a-b INVALID_FORMAT']);
  });

  it('refuses a type that is neither standard nor a custom event name', () => {
    expect(errorsOf(custom('Wishlist-Add'))).toEqual(['type INVALID_VALUE']);
    expect(errorsOf(custom('x'))).toEqual(['type INVALID_VALUE']);
    // An inherited property of every plain object: the profile's per-type counts would start from a function.
    expect(errorsOf(custom('constructor'))).toEqual(['type INVALID_VALUE']);
    expect(errorsOf(custom('constructors'))).toEqual([]);
  });
});
