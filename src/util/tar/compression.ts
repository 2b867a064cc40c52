/**
 * @module util/tar/compression
 * Recognizes how a stream is compressed from its first bytes (magic numbers), as Docker's
 * DetectCompression does. berth decompresses gzip itself; others are reported clearly.
 */
import { InvalidArgument } from '../../errdefs/index.js';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

/** Bytes needed to tell the formats apart. */
export const MAGIC_BYTES = 6;

export function detectCompression(head: Uint8Array): Compression {
  const b = head;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return 'bzip2';
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return 'xz';
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Throws for compressions berth cannot read. */
export function assertSupported(c: Compression): void {
  if (c === 'none' || c === 'gzip') return;
  throw new InvalidArgument(`unsupported compression format ${c}: use a plain or gzip-compressed tar`);
}
