/**
 * @module store/layers/types
 * The layer store: each layer extracted once into a directory that overlayfs uses directly
 * as a lowerdir.
 *
 * Terms:
 * - *diffID*: sha256 of the layer's uncompressed tar.
 * - *chain ID*: names a layer together with all layers below it (image/chain.ts); the key of
 *   a layer. Two images sharing a base share its directory.
 * - *parent*: the chain ID of the layer below (null for a base layer).
 * - *link ID*: 26 random characters [A-Z0-9]; `layers/l/<linkId>` is a symlink to
 *   `../<chain-hex>/diff`. The runtime mounts with cwd = {@link LayerReader.root} and
 *   `lowerdir=l/AAA:l/BBB` (one `lowerdir+` each with the new mount API), which keeps 100+
 *   layers under the one-page limit of mount(2)'s options.
 * - *lease*: an in-memory hold on layers that are in use but not yet referenced by an image
 *   (an import between layer commit and image creation, a build step). Held layers are never
 *   removed.
 *
 * Lifecycle of a layer: it is built in `tmp/layers/<random>/` (extracted from a tar, packed
 * from a directory handed over, or written directly), with its `layer.json` and its
 * tar-split record; the file system is synced; then the directory is renamed to
 * `layers/<chain-hex>/` and the link created. A layer is thus either absent or complete.
 * Layers never change afterwards. Removal renames the directory back into tmp/ first.
 * Start-up recovery empties tmp/layers, drops layers whose parent is missing, and repairs links.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../../image/digest.js';
import type { Compression } from '../../util/tar/compression.js';
import type { ExtractLimits } from '../../util/tar/types.js';

/**
 * Most layers in one chain: overlayfs stacks at most 500 lowers, and a container's root adds
 * its init layer. (Docker's layer store stops at 125: "max depth exceeded".)
 */
export const MAX_LAYER_DEPTH = 499;

export interface LayerInfo {
  chainId: Digest;
  diffId: Digest;
  parent: Digest | null;
  /** Docker's layer size: bytes of non-directory files, each inode once. */
  size: number;
  /** Bytes of the uncompressed layer tar. */
  tarSize: number;
  linkId: string;
  /** When the layer was stored (RFC 3339). */
  created: string;
}

/** Read access; all synchronous (the store keeps its index in memory). */
export interface LayerReader {
  /** The layers root (`<dataRoot>/layers`): the cwd for overlay mounts with `l/` lowerdirs. */
  readonly root: string;
  get(chainId: Digest): LayerInfo | undefined;
  has(chainId: Digest): boolean;
  list(): LayerInfo[];
  /** Absolute path of a layer's extracted directory (NotFound when absent). */
  diffPath(chainId: Digest): string;
  /**
   * The lowerdir list for a stack whose top layer is `chainId`, top-most first, as paths
   * relative to {@link root}: `['l/TOPLINK', …, 'l/BASELINK']` (join with ':'). [] for null.
   */
  lowerLinks(chainId: Digest | null): string[];
  /** The chain from base to `chainId` (inclusive). */
  ancestry(chainId: Digest | null): LayerInfo[];
}

/** A set of held layers; release() when an image (or container) references them. */
export interface Lease {
  add(chainId: Digest): void;
  release(): void;
}

export interface ApplyOptions {
  lease?: Lease;
  limits?: Partial<ExtractLimits>;
  /** Expected diffID: verified after extraction (load, pull). */
  expectDiffId?: Digest;
}

export interface AppliedLayer {
  layer: LayerInfo;
  /** Digest and size of the bytes as received (compressed blob for gzip). */
  blob: { digest: Digest; size: number };
  compression: Compression;
}

/**
 * A layer extracted into the staging area whose parent is not known yet (`load` meets layer
 * blobs before the manifest that orders them). Commit or discard it once.
 */
export interface StagedLayer {
  readonly diffId: Digest;
  readonly blob: { digest: Digest; size: number };
  readonly compression: Compression;
  /** Publishes it on `parent`; returns the existing layer (and drops the staged copy) when that chain exists. */
  commit(parent: Digest | null, lease?: Lease): Promise<LayerInfo>;
  discard(): Promise<void>;
}

/** A new, empty layer directory to write files into (COPY/ADD), committed or discarded once. */
export interface NewLayerDir {
  /** Absolute path of the directory to fill (on the data root's file system). */
  readonly path: string;
  /** Packs the directory (diffID), records it and publishes the layer. */
  commit(): Promise<LayerInfo>;
  discard(): Promise<void>;
}

/** Creates layers. */
export interface LayerWriter {
  /**
   * Extracts a tar (plain or gzip) into the staging area, to be committed on a parent later.
   * With `blob`, the bytes received are verified against that digest and size as they are
   * extracted (DataLoss and nothing staged when they differ), so a caller need not hash them too.
   */
  stageTar(source: AsyncIterable<Buffer>, opts?: { limits?: Partial<ExtractLimits>; blob?: { digest: Digest; size: number } }): Promise<StagedLayer>;
  /**
   * Commits staged layers in order, each on its `parent` (the store's or an earlier item's
   * chain), with one flush of the file system for all of them instead of one each. Same
   * results as committing them one by one.
   */
  commitStaged(items: { layer: StagedLayer; parent: Digest | null }[], lease?: Lease): Promise<LayerInfo[]>;
  /** Extracts a tar (plain or gzip) as a new layer on `parent`; returns the existing layer when the chain exists. */
  applyTar(parent: Digest | null, source: AsyncIterable<Buffer>, opts?: ApplyOptions): Promise<AppliedLayer>;
  /**
   * Registers an existing directory as a layer on `parent`: the directory is *moved* (renamed)
   * into the store — it must be on the data root's file system — then packed to compute its
   * diffID (overlay whiteouts become AUFS whiteouts in the tar). Use for an overlay upper dir.
   */
  registerDir(parent: Digest | null, dir: string, opts?: { lease?: Lease }): Promise<LayerInfo>;
  /** A new empty directory that becomes a layer on `parent` when committed. */
  createDir(parent: Digest | null, opts?: { lease?: Lease }): Promise<NewLayerDir>;
}

export interface ExportOptions {
  /** How many bytes from the start of the stream the consumer no longer holds (see exportTar). */
  consumed?: () => number;
}

/** Produces layer tars. */
export interface LayerExporter {
  /**
   * The layer's tar, byte for byte the one whose sha256 is its diffID (verified while streaming).
   * With `consumed`, the consumer promises to hold no byte of the stream below the offset it
   * returns (it rises as the consumer finishes with them), and the buffers of file contents are
   * used again past it, which spares the garbage collector hundreds of megabytes on a push.
   */
  exportTar(chainId: Digest, opts?: ExportOptions): Readable;
}

export interface LayerStore extends LayerReader, LayerWriter, LayerExporter {
  lease(): Lease;
  /** Whether a lease holds the layer. */
  isHeld(chainId: Digest): boolean;
  /** Removes a layer (Conflict when held or when another layer sits on it). */
  remove(chainId: Digest): Promise<void>;
  /** Start-up recovery (see module comment). */
  recover(): Promise<void>;
}
