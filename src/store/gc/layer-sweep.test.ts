import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from '../../image/digest.js';
import type { StoredImage } from '../images/types.js';
import type { LayerInfo } from '../layers/types.js';
import { sweepLayers } from './layer-sweep.js';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;

/** Layers base → a → b → c, and a → e: parents listed before children. */
function fakeLayers() {
  const parents = new Map<Digest, Digest | null>([[d('0'), null], [d('a'), d('0')], [d('b'), d('a')], [d('c'), d('b')], [d('e'), d('a')]]);
  const info = (id: Digest) => ({ chainId: id, parent: parents.get(id) ?? null }) as LayerInfo;
  const removed: Digest[] = [];
  return {
    removed,
    list: () => [...parents.keys()].map(info),
    ancestry(id: Digest | null): LayerInfo[] {
      const out: LayerInfo[] = [];
      for (let x = id; x; x = parents.get(x) ?? null) out.unshift(info(x));
      return out;
    },
    async remove(id: Digest) {
      assert.ok(![...parents.values()].includes(id), `removed ${id} while a layer sits on it`);
      parents.delete(id);
      removed.push(id);
    },
  };
}

describe('layer sweep', () => {
  it('removes the layers no image uses, children before parents, and keeps whole used chains', async () => {
    const layers = fakeLayers();
    const image = { chainIds: [d('0'), d('a')] } as StoredImage;
    const removed = await sweepLayers({ list: () => [image] }, layers);
    assert.deepEqual(removed, [d('c'), d('b'), d('e')]);
    assert.deepEqual(layers.list().map((l) => l.chainId), [d('0'), d('a')]);
  });

  it('removes nothing when every layer is used', async () => {
    const layers = fakeLayers();
    const images = [{ chainIds: [d('0'), d('a'), d('b'), d('c')] }, { chainIds: [d('0'), d('a'), d('e')] }] as StoredImage[];
    assert.deepEqual(await sweepLayers({ list: () => images }, layers), []);
  });
});
