/**
 * @module engine/build/remote-cache/export-cache
 * `--cache-to`: writes the cache records a build used (hits and new records) to a sink in
 * BuildKit's cache format (image/build-cache.ts). `mode=min` keeps the records of the result's
 * own steps (images on its parent chain), `mode=max` every stage's. Every layer of every
 * record's image is listed, base layers included, each with its parent layer, so each
 * record's result is a whole layer chain as BuildKit expects; berth's image configs go as
 * blobs beside them, so an import recreates the same images (same IDs).
 */
import type { CacheKey } from '../../../builder/cache-key.js';
import { CACHE_CONFIG_MEDIA_TYPE, cacheIndex, UNCOMPRESSED_ANNOTATION, type CacheConfig, type CacheConfigLayer, type CacheConfigRecord } from '../../../image/build-cache.js';
import type { CacheMode } from '../../../image/cache-spec.js';
import type { Digest } from '../../../image/digest.js';
import { MediaType, type Descriptor } from '../../../image/manifest.js';
import type { ImageReader, StoredImage } from '../../../store/images/types.js';
import type { LayerInfo, LayerStore } from '../../../store/layers/types.js';
import { NotFound } from '../../../errdefs/index.js';
import { Limiter } from '../../distribution/limiter.js';
import type { CacheSink } from './types.js';

/** A cache key a build looked up with a hit, or recorded. */
export interface UsedKey {
  key: CacheKey;
  image: Digest;
}

export interface ExportResult {
  records: number;
  layers: number;
}

/** The images on `result`'s build parent chain (itself included). */
function ancestry(images: Pick<ImageReader, 'get'>, result: Digest): Set<Digest> {
  const out = new Set<Digest>();
  for (let id: Digest | undefined = result; id && !out.has(id); id = images.get(id)?.record.parent) out.add(id);
  return out;
}

export async function exportCache(
  images: Pick<ImageReader, 'get'>, layers: Pick<LayerStore, 'get' | 'lease'>, sink: CacheSink,
  used: readonly UsedKey[], result: Digest, mode: CacheMode,
): Promise<ExportResult> {
  const keep = mode === 'max' ? undefined : ancestry(images, result);
  const chosen: { key: CacheKey; img: StoredImage }[] = [];
  const seenKeys = new Set<string>();
  for (const u of used) {
    const img = images.get(u.image);
    if (!img || seenKeys.has(u.key.digest) || (keep && !keep.has(u.image))) continue;
    seenKeys.add(u.key.digest);
    chosen.push({ key: u.key, img });
  }
  // Every layer chain once, parents before children.
  const chainIndex = new Map<Digest, number>();
  const infos: LayerInfo[] = [];
  for (const { img } of chosen) {
    for (const c of img.chainIds) {
      if (chainIndex.has(c)) continue;
      const info = layers.get(c);
      if (!info) throw new NotFound(`layer ${c} of image ${img.record.id} is missing`);
      chainIndex.set(c, infos.length);
      infos.push(info);
    }
  }
  const lease = layers.lease();
  for (const l of infos) lease.add(l.chainId);
  try {
    const limiter = new Limiter(3);
    const blobs = await Promise.all(infos.map((l) => limiter.run(() => sink.putLayer(l))));
    // One entry per blob (two chains may hold the same layer).
    const layerDescs = new Map<Digest, Descriptor>();
    blobs.forEach((b, i) => layerDescs.set(b.digest, {
      mediaType: MediaType.ociLayerGzip, digest: b.digest, size: b.size, annotations: { [UNCOMPRESSED_ANNOTATION]: infos[i]!.diffId },
    }));
    const configLayers: CacheConfigLayer[] = infos.map((l, i) => ({
      blob: blobs[i]!.digest,
      parent: l.parent === null ? -1 : chainIndex.get(l.parent)!,
      annotations: { mediaType: MediaType.ociLayerGzip, diffID: l.diffId, size: blobs[i]!.size },
    }));
    const configDescs = new Map<Digest, Descriptor>();
    for (const { img } of chosen) {
      if (configDescs.has(img.record.id)) continue;
      await sink.putBlob(img.configBytes);
      configDescs.set(img.record.id, { mediaType: MediaType.dockerConfig, digest: img.record.id, size: img.configBytes.length });
    }
    const recordOf = new Map<Digest, number>();
    chosen.forEach(({ img }, i) => {
      if (!recordOf.has(img.record.id)) recordOf.set(img.record.id, i);
    });
    const records: CacheConfigRecord[] = chosen.map(({ key, img }) => {
      const parent = img.record.parent;
      const link = parent !== undefined ? recordOf.get(parent) : undefined;
      return {
        digest: key.digest,
        ...(img.topChainId ? { layers: [{ layer: chainIndex.get(img.topChainId)! }] } : {}),
        ...(link !== undefined ? { inputs: [[{ link }]] } : {}),
        berth: { image: img.record.id, ...(parent ? { parent } : {}), parts: key.parts },
      };
    });
    const config: CacheConfig = { layers: configLayers, records };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDigest = await sink.putBlob(configBytes);
    const index = cacheIndex(
      { mediaType: CACHE_CONFIG_MEDIA_TYPE, digest: configDigest, size: configBytes.length },
      [...layerDescs.values(), ...configDescs.values()],
    );
    await sink.putManifest(Buffer.from(JSON.stringify(index)), MediaType.ociIndex);
    return { records: records.length, layers: infos.length };
  } finally {
    lease.release();
  }
}
