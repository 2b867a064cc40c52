/**
 * @module store/images/types
 * Image records and references.
 *
 * Terms:
 * - *image ID*: sha256 of the image's config JSON (exactly as Docker computes it). The config
 *   bytes live in the content store under that digest.
 * - *image record*: `images/<id-hex>.json` — when the image entered the store, its build
 *   parent (legacy builder), when it was last tagged. An image is visible only once its
 *   record exists, which is written after its config blob and all its layers.
 * - *reference*: a normalized name (`docker.io/library/busybox:latest`, or
 *   `name@sha256:…` for digests) pointing at an image ID, kept in `refs.json`.
 *
 * Lifecycle: create (config blob + record; layers must exist) → tag/untag any number of
 * times → delete (record first, then config blob; the caller releases layers). Every write
 * is tmp → fsync → rename; start-up recovery drops records whose config or layers are
 * missing and references to images that do not exist.
 */
import type { ImageConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import type { Reference } from '../../image/reference.js';

/**
 * What the image store needs of the layer store: whether a layer is there. Declared here, so
 * store/images/ does not import store/layers/; the layer store satisfies it.
 */
export interface LayerPresence {
  has(chainId: Digest): boolean;
}

export interface ImageRecord {
  id: Digest;
  /** The image this one was built on (legacy builder), if any. */
  parent?: Digest;
  /** When the image entered this store (RFC 3339). */
  added: string;
  /** When a tag was last added (RFC 3339), for inspect's Metadata.LastTagTime. */
  lastTagTime?: string;
}

/** An image as the store holds it. */
export interface StoredImage {
  record: ImageRecord;
  config: ImageConfig;
  configBytes: Buffer;
  /** Chain IDs of its layers, base first. */
  chainIds: Digest[];
  /** The top layer's chain ID (null for an image without layers). */
  topChainId: Digest | null;
}

export interface ImageReader {
  get(id: Digest): StoredImage | undefined;
  list(): StoredImage[];
  /**
   * Resolves a full ID or a unique prefix (with or without `sha256:`) to an image ID;
   * undefined when nothing matches; InvalidArgument when the prefix is ambiguous.
   */
  search(prefix: string): Digest | undefined;
  /** Images whose record names `id` as parent. */
  children(id: Digest): Digest[];
}

export interface ImageWriter {
  /**
   * Stores an image from its config bytes. Its layers (chain IDs of rootfs.diff_ids) must be in
   * the layer store. Idempotent: an existing image is returned unchanged.
   */
  create(configBytes: Buffer, opts?: { parent?: Digest }): Promise<StoredImage>;
  delete(id: Digest): Promise<void>;
  setLastTagTime(id: Digest, time: string): Promise<void>;
  /** Records `parent` as the image's parent (`docker load` of an archive that names it). */
  setParent(id: Digest, parent: Digest): Promise<void>;
}

export interface ImageStore extends ImageReader, ImageWriter {
  recover(): Promise<void>;
}

export interface ReferenceStore {
  /** The image a normalized reference points at. */
  get(ref: Reference): Digest | undefined;
  /** References to an image, sorted by their full strings (dockerd's order). */
  referencesOf(id: Digest): Reference[];
  all(): [Reference, Digest][];
  /** Points `ref` at `id`; returns the image it pointed at before, if another. */
  add(ref: Reference, id: Digest): Promise<Digest | undefined>;
  /** Removes a reference; false when it did not exist. */
  delete(ref: Reference): Promise<boolean>;
  /** Removes every reference to `id`; returns them. */
  deleteAll(id: Digest): Promise<Reference[]>;
  /** Drops references whose image does not exist. */
  recover(exists: (id: Digest) => boolean): Promise<void>;
}
