/**
 * @module store/content/types
 * The content store: immutable blobs addressed by their sha256 digest (image configs,
 * manifests, compressed layer blobs from registries).
 *
 * Lifecycle of a blob: written to the staging area, hashed while written, verified against
 * the expected digest and size, fsynced, then renamed to `content/sha256/<hex>`. A blob is
 * therefore either absent or complete; there is no partial state to observe. Deleting is
 * removing the file. Start-up recovery empties the staging area.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../../image/digest.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/** Reads blobs. */
export interface ContentProvider {
  /** Size of a stored blob; undefined when absent. */
  info(digest: Digest): Promise<BlobInfo | undefined>;
  /** A whole blob, verified against its digest (DataLoss when it does not match). NotFound when absent. */
  readBlob(digest: Digest): Promise<Buffer>;
  /** A blob as a stream (not verified: for large blobs the reader verifies). NotFound when absent. */
  openBlob(digest: Digest): Promise<Readable>;
}

/** Writes blobs. */
export interface ContentIngester {
  /** Stores bytes; when `expected` is given, they must hash to it. Idempotent. */
  writeBlob(data: Uint8Array, expected?: Digest): Promise<BlobInfo>;
  /** Stores a stream, verified against the expected digest/size when given. */
  ingest(source: AsyncIterable<Uint8Array>, expected?: { digest?: Digest; size?: number }): Promise<BlobInfo>;
}

export interface ContentStore extends ContentProvider, ContentIngester {
  delete(digest: Digest): Promise<void>;
  list(): Promise<BlobInfo[]>;
  /** Start-up: removes staging leftovers. */
  recover(): Promise<void>;
}
