/**
 * @module engine/build/remote-cache/types
 * Where a build cache is exported to and imported from (`--cache-to`, `--cache-from`): a
 * registry repository (registry-cache.ts) or an OCI layout directory (local-cache.ts). Both
 * hold the same thing: a cache manifest (image/build-cache.ts) naming content-addressed blobs.
 *
 * A {@link CacheSource} is read once when a build starts (manifest and cache config) and then
 * as steps look records up (image configs and layer blobs, only those a hit needs). A
 * {@link CacheSink} receives every blob first and the manifest last, so a reader never sees a
 * manifest naming a blob that is not there yet.
 */
import type { Digest } from '../../../image/digest.js';
import type { Descriptor } from '../../../image/manifest.js';
import type { LayerInfo } from '../../../store/layers/types.js';

export interface CacheSource {
  /** The reference or directory, for messages. */
  readonly name: string;
  /** The cache manifest; undefined when there is none there (no such tag or directory). */
  manifest(): Promise<{ bytes: Buffer; mediaType: string } | undefined>;
  /** A small blob (configs), verified against its digest. */
  readBlob(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Buffer>;
  /** A layer blob's bytes, verified against its digest at the end. */
  openBlob(desc: Pick<Descriptor, 'digest' | 'size'>): AsyncIterable<Buffer>;
}

export interface CacheSink {
  readonly name: string;
  /** Makes sure the layer's gzip blob is there (kept, mounted or written); returns it. */
  putLayer(layer: LayerInfo): Promise<{ digest: Digest; size: number }>;
  /** Stores a small blob (a config) unless it is there. */
  putBlob(bytes: Buffer): Promise<Digest>;
  /** Stores the cache manifest, which makes the cache visible (replacing an earlier one). */
  putManifest(bytes: Buffer, mediaType: string): Promise<void>;
}
