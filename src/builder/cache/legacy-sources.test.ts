import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../../image/config.js';
import { digestOf, type Digest } from '../../image/digest.js';
import type { StoredImage } from '../../store/images/types.js';
import { LegacyCacheSources } from './legacy-sources.js';

function image(history: HistoryEntry[], diffIds: Digest[], parent?: Digest): StoredImage {
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', history, rootfs: { type: 'layers', diff_ids: diffIds } };
  const bytes = Buffer.from(JSON.stringify(config));
  return { record: { id: digestOf(bytes), added: '', ...(parent ? { parent } : {}) }, config, configBytes: bytes, chainIds: [], topChainId: null };
}

const base = image([{ created_by: '/bin/sh -c #(nop) ADD file:x in / ' }], [digestOf('base')]);
const copy = { created_by: '/bin/sh -c #(nop) COPY file:abc in /b ' };
const env = { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true };
const source = image([...base.config.history!, copy, env], [digestOf('base'), digestOf('copy')]);
const probe = (cmd: string): ContainerConfig => ({ Cmd: ['/bin/sh', '-c', cmd] }) as ContainerConfig;

describe('legacy cache sources (Docker\'s cachefrom)', () => {
  const store = new Map<Digest, StoredImage>([[base.record.id, base], [source.record.id, source]]);
  const images = {
    find: (n: string) => (n === 'src' ? source : undefined),
    get: (id: Digest) => store.get(id),
    create: async (config: ImageConfig, parent: Digest | undefined) => {
      const img = image(config.history!, config.rootfs.diff_ids, parent);
      store.set(img.record.id, img);
      return img;
    },
  };

  it('restores the matching step, then returns the source itself on its last step', async () => {
    const s = LegacyCacheSources.resolve(['missing', 'src'], images)!;
    assert.equal(await s.match(base, probe('#(nop) COPY file:other in /b '), images), undefined, 'another command');
    const restored = await s.match(base, probe('#(nop) COPY file:abc in /b '), images);
    const r = store.get(restored!)!;
    assert.deepEqual(r.config.rootfs.diff_ids, [digestOf('base'), digestOf('copy')]);
    assert.deepEqual(r.config.history, [...base.config.history!, copy]);
    assert.equal(r.record.parent, base.record.id);
    assert.equal(await s.match(r, { Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=1'] } as ContainerConfig, images), source.record.id);
  });

  it('takes a local hit only when it is an ancestor of a source', () => {
    const child = image(source.config.history!, source.config.rootfs.diff_ids, base.record.id);
    const s = LegacyCacheSources.resolve(['src'], { find: () => child })!;
    assert.ok(s.allowsLocalHit(base.record.id, images));
    assert.ok(!s.allowsLocalHit(source.record.id, images));
    assert.equal(LegacyCacheSources.resolve([], images), undefined);
  });
});
