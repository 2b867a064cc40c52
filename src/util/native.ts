/**
 * @module util/native
 * Typed access to berth's small C addon (native/addon.c): device nodes, extended attributes
 * mounts, and file descriptors received over a unix socket, which Node.js does not expose; and
 * SHA-256 on the thread pool (Node.js hashes only on the event loop). Errors carry `code`
 * (e.g. "ENOENT") like fs errors.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface Native {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  /** The attribute's value, or null when the file has no such attribute. */
  lgetxattr(path: string, name: string): Buffer | null;
  llistxattr(path: string): string[];
  mount(source: string | null, target: string, fstype: string | null, flags: number, data?: string | null): void;
  umount2(target: string, flags: number): void;
  /**
   * Mounts an overlay with the new mount API: one `lowerdir+` per layer (top-most first),
   * then upper/work when given and `flags` ("key=value" or "flag"). Relative paths resolve
   * against the cwd. Throws code "ENOSYS" when the kernel lacks the API or `lowerdir+`.
   */
  overlayMount(target: string, lowers: string[], upper: string | null, work: string | null, flags: string[]): void;
  /**
   * One length-prefixed message from a connected unix stream socket and the file descriptors
   * sent with it (close-on-exec). It is read on a worker thread, so a slow or silent peer never
   * blocks the event loop; it fails (ETIMEDOUT) unless the whole message arrives within
   * `timeoutMs`, and then no received descriptor is left open.
   */
  recvCommand(fd: number, timeoutMs: number): Promise<{ fds: number[]; data: Buffer }>;
  /**
   * openat2(2): opens `path` relative to the open directory `dirfd` with `flags` (O_*) and
   * `resolve` (RESOLVE_*); returns the new descriptor. Retries the kernel's EAGAIN (a rename
   * raced the lookup) a bounded number of times.
   */
  openat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): number;
  /** flock(2) on an open descriptor: true when locked, false when LOCK_NB and someone else holds it. */
  flock(fd: number, operation: number): boolean;
  /** A SHA-256 state for {@link Native.sha256Update} and {@link Native.sha256Digest}. */
  sha256New(): Sha256Handle;
  /** Hashes `buffers`, in order, on libuv's thread pool; one call in flight per handle. */
  sha256Update(h: Sha256Handle, buffers: Buffer[]): Promise<void>;
  /** The hex digest; once, after the last update settled. */
  sha256Digest(h: Sha256Handle): string;
  /**
   * One chunk of util/parallel-gzip, on libuv's thread pool: the concatenation of `pieces`
   * (after `prev`'s, the previous chunk, whose last 32 KiB are the dictionary) as stored and
   * raw-deflated runs, the last one final when `last`; and the chunk's CRC-32. `table` and
   * `shortTable` are entropy tables (util/parallel-gzip's entropyTable) for a 64 KiB segment
   * and for the chunk's shorter last segment. The buffers must not change until it settles.
   */
  gzipChunk(pieces: Buffer[], prev: Buffer[] | null, level: number, last: boolean, table: Float64Array, shortTable: Float64Array | null): Promise<[Buffer, number]>;
  /** The CRC-32 {@link Native.gzipChunk} computes (carry-less multiplication where the CPU has it), from `crc`. */
  crc32(buf: Buffer, crc: number): number;
  /** zlib's crc32_combine: the CRC-32 of A then B from crc(A), crc(B) and B's length. */
  crc32Combine(crc1: number, crc2: number, len2: number): number;
  /**
   * On libuv's thread pool: with `whole`, syncfs(2) of the file system holding `fd` (durable
   * when it resolves); otherwise sync_file_range(2) SYNC_FILE_RANGE_WRITE, which starts the
   * writeback of `fd`'s dirty pages without waiting for it. Rejects with the errno's code.
   */
  flushFd(fd: number, whole: boolean): Promise<void>;
  /**
   * Puts every other thread of this process (libuv's thread pool, V8's helpers) under
   * SCHED_BATCH, so that one it wakes does not preempt the calling thread; returns how many.
   */
  batchHelperThreads(): number;
}

/** An opaque native SHA-256 state. */
export type Sha256Handle = { readonly __sha256: unique symbol };

/** Directory that holds the compiled C parts (dist/native/). */
export const nativeBuildDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native');

let loaded: Native | undefined;

export function native(): Native {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require(join(nativeBuildDir, 'berth_native.node')) as Native;
  }
  return loaded;
}

// mount(2) flags used by berth.
export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
export const MS_PRIVATE = 0x40000;
export const MNT_DETACH = 0x2;

// openat2(2) resolve flags (linux/openat2.h).
export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;
// open(2) flags Node.js does not name (x86-64 and arm64 values).
export const O_PATH = 0o10000000;
export const O_CLOEXEC = 0o2000000;
// flock(2) operations.
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;
