import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_FILE, LocalModelStore, MODEL_FILE, writeModelFolder } from '../../../layers/adapters/local-model-store';
import { ModelArtifactInvalidError, ModelArtifactNotFoundError } from '../../../layers/core/recommendations/errors';
import { trainModel } from '../../../layers/core/recommendations/train-model';
import { basketsOf } from '../../helpers/recommendation-factories';

describe('LocalModelStore', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'models-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const first = trainModel({ interactions: basketsOf({ u1: ['A', 'B'], u2: ['A', 'C'] }) });
  const second = trainModel({ interactions: basketsOf({ u1: ['A', 'B'], u2: ['A', 'C'], u3: ['B', 'C'] }) });

  it('saves a version without making it current, then serves it once promoted', async () => {
    // Prepare
    const store = new LocalModelStore(root);

    // Act
    const saved = await store.save(first);

    // Assess
    expect(saved.location).toBe(join(root, first.version, MODEL_FILE));
    expect(await store.currentVersion()).toBeUndefined();
    await expect(store.loadCurrent()).rejects.toThrow(ModelArtifactNotFoundError);

    // Act
    await store.promote(first.version);

    // Assess
    expect(await store.currentVersion()).toBe(first.version);
    expect(await store.loadCurrent()).toEqual(first);
    expect(readdirSync(root).sort()).toEqual([CURRENT_FILE, first.version].sort());
  });

  it('keeps older versions loadable after a newer one is promoted', async () => {
    // Act
    await writeModelFolder(root, first);
    const written = await writeModelFolder(root, second);

    // Assess
    const store = new LocalModelStore(root);
    expect(written.version).toBe(second.version);
    expect((await store.loadCurrent()).version).toBe(second.version);
    expect(await store.load(first.version)).toEqual(first);
  });

  it('refuses to promote a version that was never saved', async () => {
    await expect(new LocalModelStore(root).promote('20111201T0000Z-000000000000')).rejects.toThrow(ModelArtifactNotFoundError);
  });

  it('says which file is broken', async () => {
    // Prepare
    const store = new LocalModelStore(root);
    await store.save(first);
    writeFileSync(join(root, first.version, MODEL_FILE), 'not gzip');

    // Act + Assess
    await expect(store.load(first.version)).rejects.toThrow(ModelArtifactInvalidError);
    await expect(store.load(first.version)).rejects.toThrow(`${join(root, first.version, MODEL_FILE)} is not gzip`);
  });

  it('refuses a version that is not a plain folder name', async () => {
    await expect(new LocalModelStore(root).load('../elsewhere')).rejects.toThrow('version "../elsewhere" is not a safe folder name');
  });

  it('writes gzipped JSON', async () => {
    const { location } = await new LocalModelStore(root).save(first);
    expect(readFileSync(location).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });
});
