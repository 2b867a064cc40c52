/**
 * @module util/tar/types
 * Contracts of berth's tar library.
 *
 * Terms:
 * - *entry*: one file-system object in a tar (regular file, directory, symlink, hard link,
 *   device, fifo), described by a {@link TarHeader} after all its extended headers (PAX
 *   `x` records, GNU long names) are applied.
 * - *raw bytes*: every byte of a tar stream that is not entry content: header blocks,
 *   extended-header data, padding, the end-of-archive blocks and anything after them.
 *   Raw bytes plus entry content, in order, are the whole stream — which is what lets a
 *   layer tar be reproduced byte for byte from its extracted directory (see tar-split).
 * - *whiteouts*: deletions in a layer. In tars they are AUFS-style empty files `.wh.NAME`
 *   and `.wh..wh..opq` (directory is opaque); on disk they are overlayfs' 0/0 character
 *   devices and the `trusted.overlay.opaque=y` xattr.
 */

export type TarEntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarHeader {
  /** Entry path as written in the archive (after PAX `path` / GNU long name). */
  name: string;
  type: TarEntryType;
  /** Permission bits with setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  mode: number;
  uid: number;
  gid: number;
  /** Content size in bytes (regular files; 0 for others). */
  size: number;
  /** Modification time in unix seconds (may be fractional from PAX). */
  mtime: number;
  /** Symlink target or hard-link target path. */
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes (PAX SCHILY.xattr.*), values as raw bytes. */
  xattrs: Map<string, Buffer>;
}

/**
 * Receives a parsed tar stream in order. Every byte of the input is delivered exactly once,
 * either through `raw` or through `data`. `entry` is called after the raw bytes of its header,
 * then `data` for its content (size bytes), then `entryEnd`, then `raw` with its padding.
 * A handler may throw to abort parsing; the error propagates out of `TarParser.push`.
 */
export interface TarHandler {
  raw(bytes: Buffer): void;
  entry(header: TarHeader): void;
  data(chunk: Buffer): void;
  entryEnd(): void;
}

/** Limits protecting extraction from hostile archives. */
export interface ExtractLimits {
  /** Most entries accepted (a "tar bomb" of many tiny files). */
  maxEntries: number;
  /** Longest entry path accepted, in bytes. */
  maxPathLength: number;
  /** Largest total content accepted, in bytes. */
  maxTotalSize: number;
}

export const defaultExtractLimits: ExtractLimits = {
  maxEntries: 5_000_000,
  maxPathLength: 4096,
  maxTotalSize: Number.MAX_SAFE_INTEGER,
};

/** What an extraction produced. */
export interface ExtractStats {
  entries: number;
  /** Docker's layer size: sizes of non-directory files, each inode once (symlinks count their target length). */
  size: number;
}
