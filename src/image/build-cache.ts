/**
 * @module image/build-cache
 * BuildKit's distributable build cache format (cacheconfig v0), which berth writes and reads:
 *
 * - The cache *manifest* is an OCI image index whose `manifests` list every blob of the cache:
 *   the gzip layer blobs (annotated with their diffID, `containerd.io/uncompressed`), berth's
 *   image configs, and one descriptor of media type `application/vnd.buildkit.cacheconfig.v0`.
 *   (BuildKit ≥ 0.12 can also write it as an image manifest whose config is the cache config;
 *   berth reads that form too.)
 * - The cache *config* is JSON: `layers` (each a blob with the index of its parent layer, -1
 *   for a base layer, so a layer names a whole chain) and `records` (each a cache key digest,
 *   `layers`: the layer chains that are its result, `inputs`: for each input the records it
 *   can come from, by index).
 *
 * berth's keys are its own (builder/cache-key.ts), not BuildKit's LLB op digests; each record
 * carries berth's part under `berth` (which BuildKit's decoder ignores): the image the key
 * was recorded for, its build parent and the key's parts.
 */
import { DataLoss } from '../errdefs/index.js';
import { isDigest, type Digest } from './digest.js';
import { isIndexMediaType, isManifestMediaType, MediaType, parseIndex, parseManifest, type Descriptor, type Index } from './manifest.js';

export const CACHE_CONFIG_MEDIA_TYPE = 'application/vnd.buildkit.cacheconfig.v0';
/** The annotation giving a compressed layer blob's diffID. */
export const UNCOMPRESSED_ANNOTATION = 'containerd.io/uncompressed';

export interface CacheConfigLayer {
  blob: Digest;
  /** Index of the layer below in `layers`; -1 for a base layer. */
  parent: number;
  annotations?: { mediaType: string; diffID: Digest; size: number };
}

/** berth's part of a record. */
export interface BerthCacheRecord {
  /** The image the key was recorded for (its config is a blob of the cache). */
  image: Digest;
  /** Its build parent (absent for none). */
  parent?: Digest;
  /** The cache key's parts, as builder/cache-key.ts defines them (checked against `digest` on import). */
  parts: unknown;
}

export interface CacheConfigRecord {
  digest: Digest;
  /** The record's results: each a layer chain, by the index of its top layer. */
  layers?: { layer: number }[];
  /** For each input, the records it may come from (`link`: index in `records`). */
  inputs?: { link: number; selector?: string }[][];
  berth?: BerthCacheRecord;
}

export interface CacheConfig {
  layers: CacheConfigLayer[];
  records: CacheConfigRecord[];
}

/** What a cache manifest points at: its cache config, and every blob by digest. */
export interface CacheManifestRefs {
  config: Descriptor;
  blobs: Map<Digest, Descriptor>;
}

/** The cache manifest: an OCI image index of `blobs` and the config. */
export function cacheIndex(config: Descriptor, blobs: readonly Descriptor[]): Index {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...blobs, { ...config, mediaType: CACHE_CONFIG_MEDIA_TYPE }] };
}

/** Reads a cache manifest (the index form, or an image manifest whose config is the cache config). */
export function parseCacheManifest(bytes: Uint8Array, mediaType?: string): CacheManifestRefs {
  const kind = mediaType || ((JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: string })?.mediaType ?? MediaType.ociIndex);
  const blobs = new Map<Digest, Descriptor>();
  let config: Descriptor | undefined;
  if (isIndexMediaType(kind)) {
    for (const d of parseIndex(bytes).manifests) {
      if (d.mediaType === CACHE_CONFIG_MEDIA_TYPE) config = d;
      else blobs.set(d.digest, d);
    }
  } else if (isManifestMediaType(kind)) {
    const m = parseManifest(bytes);
    if (m.config.mediaType === CACHE_CONFIG_MEDIA_TYPE) config = m.config;
    for (const d of m.layers) blobs.set(d.digest, d);
  }
  if (!config) throw new DataLoss(`not a build cache: no ${CACHE_CONFIG_MEDIA_TYPE} in the ${kind || 'manifest'}`);
  return { config, blobs };
}

function checkIndex(i: unknown, n: number, allowNone: boolean): boolean {
  return Number.isInteger(i) && (i as number) < n && ((i as number) >= 0 || (allowNone && i === -1));
}

/** Parses and checks a cache config: every index in range, every digest well formed. */
export function parseCacheConfig(bytes: Uint8Array): CacheConfig {
  let c: CacheConfig;
  try {
    c = JSON.parse(Buffer.from(bytes).toString('utf8')) as CacheConfig;
  } catch (e) {
    throw new DataLoss(`invalid build cache config: ${(e as Error).message}`, { cause: e });
  }
  const bad = (why: string) => new DataLoss(`invalid build cache config: ${why}`);
  if (!c || typeof c !== 'object') throw bad('not an object');
  const layers = c.layers ?? [];
  const records = c.records ?? [];
  if (!Array.isArray(layers) || !Array.isArray(records)) throw bad('layers and records must be lists');
  layers.forEach((l, i) => {
    // Go omits a parent of 0 (`omitempty`): absent means 0.
    l.parent ??= 0;
    if (!isDigest(String(l?.blob)) || !checkIndex(l.parent, layers.length, true) || l.parent === i) throw bad(`layer ${i}`);
  });
  records.forEach((r, i) => {
    if (!isDigest(String(r?.digest))) throw bad(`record ${i}: digest`);
    for (const res of r.layers ?? []) if (!checkIndex(res?.layer, layers.length, false)) throw bad(`record ${i}: result layer`);
    for (const input of r.inputs ?? []) {
      for (const link of input ?? []) if (!checkIndex(link?.link, records.length, false)) throw bad(`record ${i}: input link`);
    }
    const b = r.berth;
    if (b !== undefined && (!isDigest(String(b.image)) || (b.parent !== undefined && !isDigest(String(b.parent))))) {
      throw bad(`record ${i}: berth image`);
    }
  });
  return { layers, records };
}
