import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CACHE_CONFIG_MEDIA_TYPE, cacheIndex, parseCacheConfig, parseCacheManifest } from './build-cache.js';
import { digestOf } from './digest.js';
import { MediaType } from './manifest.js';

const d1 = digestOf('layer 1');
const d2 = digestOf('layer 2');
const cfg = digestOf('config');

describe('build cache format (BuildKit cacheconfig v0)', () => {
  it('finds the cache config in the index form and in the image manifest form', () => {
    const layer = { mediaType: MediaType.ociLayerGzip, digest: d1, size: 7 };
    const index = cacheIndex({ mediaType: '', digest: cfg, size: 6 }, [layer]);
    assert.equal(index.manifests[1]!.mediaType, CACHE_CONFIG_MEDIA_TYPE);
    const a = parseCacheManifest(Buffer.from(JSON.stringify(index)));
    assert.equal(a.config.digest, cfg);
    assert.deepEqual([...a.blobs.keys()], [d1]);
    const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: CACHE_CONFIG_MEDIA_TYPE, digest: cfg, size: 6 }, layers: [layer] };
    const b = parseCacheManifest(Buffer.from(JSON.stringify(manifest)), MediaType.ociManifest);
    assert.equal(b.config.digest, cfg);
    assert.ok(b.blobs.has(d1));
    const plain = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [layer] };
    assert.throws(() => parseCacheManifest(Buffer.from(JSON.stringify(plain))), /not a build cache/);
  });

  it('reads Go\'s omitted parent 0 and refuses indexes out of range', () => {
    const ok = parseCacheConfig(Buffer.from(JSON.stringify({
      layers: [{ blob: d1, parent: -1 }, { blob: d2 }],
      records: [{ digest: cfg, layers: [{ layer: 1 }] }, { digest: d1, inputs: [[{ link: 0 }]] }],
    })));
    assert.equal(ok.layers[1]!.parent, 0);
    const bad = [
      { layers: [{ blob: d1, parent: 3 }] },
      { layers: [{ blob: d1, parent: 0 }] },
      { layers: [{ blob: d1, parent: -1 }], records: [{ digest: cfg, layers: [{ layer: 1 }] }] },
      { records: [{ digest: cfg, inputs: [[{ link: 2 }]] }] },
      { records: [{ digest: 'sha256:nope' }] },
      { records: [{ digest: cfg, berth: { image: 'x', parts: {} } }] },
    ];
    for (const c of bad) assert.throws(() => parseCacheConfig(Buffer.from(JSON.stringify(c))), /invalid build cache config/, JSON.stringify(c));
  });
});
