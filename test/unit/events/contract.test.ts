import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { validateBatchEnvelope, validateEvent } from '../../../layers/core/contract/validate-event';
import { REGISTERED_CUSTOM_EVENT_SCHEMAS } from '../../../layers/core/contract/custom-event-schemas';
import { EVENT_TYPES } from '../../../layers/core/contract/pipeline-event';

const EVENTS_DIR = resolve(__dirname, '../../../events');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Every `$ref` in a JSON document, with the file it appears in. */
const refsOf = (value: unknown, found: string[] = []): string[] => {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refsOf(v, found);
    }
  }
  return found;
};

describe('the event contract in events/', () => {
  it('has one schema per event type and no schema without a type', () => {
    // Act
    const files = readdirSync(join(EVENTS_DIR, 'schemas/events')).map((f) => f.replace('.schema.json', ''));

    // Assess
    expect(files.sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('points the OpenAPI document only at files that exist and covers every type', () => {
    // Prepare
    const openapi = readJson(join(EVENTS_DIR, 'openapi.json'));

    // Act
    const fileRefs = refsOf(openapi).filter((ref) => !ref.startsWith('#'));

    // Assess
    for (const ref of fileRefs) expect(existsSync(resolve(EVENTS_DIR, ref.split('#')[0]!))).toBe(true);
    // The standard types, the registered custom events and the free-form custom event.
    expect(fileRefs).toHaveLength(EVENT_TYPES.length + Object.keys(REGISTERED_CUSTOM_EVENT_SCHEMAS).length + 1);
  });

  it('resolves every relative $ref inside the schemas', () => {
    // Prepare
    const schemaFiles = readdirSync(join(EVENTS_DIR, 'schemas/events')).map((f) => join(EVENTS_DIR, 'schemas/events', f));

    // Act & Assess
    for (const file of schemaFiles) {
      for (const ref of refsOf(readJson(file))) {
        const [path, pointer] = ref.split('#');
        const target = readJson(resolve(dirname(file), path!));
        const resolved = pointer!.split('/').filter(Boolean).reduce((node, key) => node?.[key], target);
        expect({ file, ref, resolved: resolved !== undefined }).toEqual({ file, ref, resolved: true });
      }
    }
  });

  it.each(readdirSync(join(EVENTS_DIR, 'samples')).filter((f) => f.endsWith('-batch.json')))('sample %s is a valid batch', (file) => {
    // Prepare
    const batch = readJson(join(EVENTS_DIR, 'samples', file));

    // Act & Assess
    expect(validateBatchEnvelope(batch).ok).toBe(true);
    for (const event of batch.events) expect(validateEvent(event)).toEqual({ ok: true, value: event });
  });

  it('shows a valid batch in the README', () => {
    // Prepare
    const readme = readFileSync(resolve(EVENTS_DIR, '../README.md'), 'utf8');
    const example = /A minimal batch[^\n]*\n\n```json\n([\s\S]*?)```/.exec(readme)?.[1];

    // Act
    const batch = JSON.parse(example ?? 'null');

    // Assess
    expect(validateBatchEnvelope(batch).ok).toBe(true);
    for (const event of batch.events) expect(validateEvent(event).ok).toBe(true);
  });
});
