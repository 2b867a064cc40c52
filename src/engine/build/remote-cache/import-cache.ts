/**
 * @module engine/build/remote-cache/import-cache
 * `--cache-from`: a cache (image/build-cache.ts) read from a source when the build starts —
 * its manifest and cache config only. A step that misses the local cache asks it by key; a
 * record there becomes a local one on demand: its image config is fetched, the layers the
 * store lacks are downloaded and extracted (each checked against its diffID), and the image
 * is stored with its build parent, so it has the same ID as where it was built. The parent
 * must already be here (the base image, or the image the previous step hit), or it is a miss.
 *
 * Records are taken only when their key parts hash to their key (builder/cache-key.ts);
 * records without berth's part (BuildKit's own caches) never hit.
 */
import { DataLoss } from '../../../errdefs/index.js';
import { cacheKey, type CacheKey, type CacheKeyParts } from '../../../builder/cache-key.js';
import { parseCacheConfig, parseCacheManifest, UNCOMPRESSED_ANNOTATION, type BerthCacheRecord } from '../../../image/build-cache.js';
import { chainIds } from '../../../image/chain.js';
import { decodeImageConfig } from '../../../image/config.js';
import { isDigest, type Digest } from '../../../image/digest.js';
import type { Descriptor } from '../../../image/manifest.js';
import type { ImageStore } from '../../../store/images/types.js';
import type { LayerStore } from '../../../store/layers/types.js';
import type { CacheSource } from './types.js';

/** Largest cache config read (BuildKit reads at most 1 MiB; berth allows more). */
const MAX_CONFIG = 16 << 20;

export interface ImportDeps {
  images: Pick<ImageStore, 'get' | 'create'>;
  layers: Pick<LayerStore, 'has' | 'lease' | 'applyTar'>;
}

export class ImportedCache {
  readonly #source: CacheSource;
  readonly #records: Map<Digest, BerthCacheRecord>;
  readonly #blobs: Map<Digest, Descriptor>;
  /** diffID → a blob holding that layer. */
  readonly #layers: Map<Digest, Descriptor>;
  readonly #inflight = new Map<Digest, Promise<Digest | undefined>>();

  private constructor(source: CacheSource, records: Map<Digest, BerthCacheRecord>, blobs: Map<Digest, Descriptor>, layers: Map<Digest, Descriptor>) {
    this.#source = source;
    this.#records = records;
    this.#blobs = blobs;
    this.#layers = layers;
  }

  /** Reads a source's manifest and cache config; undefined when the source has no cache. */
  static async load(source: CacheSource): Promise<ImportedCache | undefined> {
    const m = await source.manifest();
    if (!m) return undefined;
    const refs = parseCacheManifest(m.bytes, m.mediaType);
    if (refs.config.size > MAX_CONFIG) throw new DataLoss(`cache config of ${source.name} is too large (${refs.config.size} bytes)`);
    const config = parseCacheConfig(await source.readBlob(refs.config));
    const layers = new Map<Digest, Descriptor>();
    for (const l of config.layers) {
      const desc = refs.blobs.get(l.blob);
      const diffId = l.annotations?.diffID ?? desc?.annotations?.[UNCOMPRESSED_ANNOTATION];
      if (desc && diffId && isDigest(diffId)) layers.set(diffId, desc);
    }
    const records = new Map<Digest, BerthCacheRecord>();
    for (const r of config.records) {
      if (!r.berth || !refs.blobs.has(r.berth.image)) continue;
      let key: CacheKey;
      try {
        key = cacheKey(r.berth.parts as CacheKeyParts);
      } catch {
        continue;
      }
      if (key.digest === r.digest) records.set(r.digest, r.berth);
    }
    return new ImportedCache(source, records, refs.blobs, layers);
  }

  get size(): number {
    return this.#records.size;
  }

  /** The image recorded for `key`, made present in the store; undefined when there is none or it cannot be made. */
  async image(key: CacheKey, deps: ImportDeps): Promise<Digest | undefined> {
    const rec = this.#records.get(key.digest);
    if (!rec) return undefined;
    let p = this.#inflight.get(rec.image);
    if (!p) {
      p = this.#materialize(rec, deps);
      this.#inflight.set(rec.image, p);
      // A failure may be passing (the network): a later lookup tries again.
      p.catch(() => this.#inflight.delete(rec.image));
    }
    return p;
  }

  async #materialize(rec: BerthCacheRecord, deps: ImportDeps): Promise<Digest | undefined> {
    if (deps.images.get(rec.image)) return rec.image;
    if (rec.parent && !deps.images.get(rec.parent)) return undefined;
    const desc = this.#blobs.get(rec.image)!;
    const configBytes = await this.#source.readBlob(desc);
    const diffIds = decodeImageConfig(configBytes).rootfs.diff_ids;
    const chains = chainIds(diffIds);
    const lease = deps.layers.lease();
    try {
      for (let i = 0; i < chains.length; i++) {
        if (deps.layers.has(chains[i]!)) {
          lease.add(chains[i]!);
          continue;
        }
        const blob = this.#layers.get(diffIds[i]!);
        if (!blob) return undefined;
        await deps.layers.applyTar(i === 0 ? null : chains[i - 1]!, this.#source.openBlob(blob), { lease, expectDiffId: diffIds[i]! });
      }
      const img = await deps.images.create(configBytes, rec.parent ? { parent: rec.parent } : {});
      return img.record.id;
    } finally {
      lease.release();
    }
  }
}
