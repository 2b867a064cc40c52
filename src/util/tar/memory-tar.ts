/**
 * @module util/tar/memory-tar
 * Builds a tar from an in-memory list of entries, in the given order (tests, generated root
 * file systems). Headers are encoded as the directory packer encodes them.
 */
import { BLOCK, encodeHeader, paddingOf } from './header.js';
import type { TarEntryType, TarHeader } from './types.js';

export interface MemEntry {
  name: string;
  type?: TarEntryType;
  /** Content of a regular file. */
  data?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, string | Buffer>;
  /** Header size field when it should differ from the data (hostile archives). */
  size?: number;
}

export function headerOf(e: MemEntry): TarHeader {
  const type = e.type ?? (e.name.endsWith('/') ? 'dir' : 'file');
  const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
  const xattrs = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(e.xattrs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) xattrs.set(k, Buffer.from(v));
  return {
    name: e.name,
    type,
    mode: e.mode ?? (type === 'dir' ? 0o755 : 0o644),
    uid: e.uid ?? 0,
    gid: e.gid ?? 0,
    size: e.size ?? (type === 'file' ? data.length : 0),
    mtime: e.mtime ?? 1_700_000_000,
    linkname: e.linkname ?? '',
    uname: '',
    gname: '',
    devmajor: e.devmajor ?? 0,
    devminor: e.devminor ?? 0,
    xattrs,
  };
}

/** A complete tar (with the two end blocks unless `noEnd`). */
export function tarFromEntries(entries: readonly MemEntry[], opts: { noEnd?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const h = headerOf(e);
    parts.push(encodeHeader(h));
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    if (h.type === 'file' && data.length) {
      parts.push(data, Buffer.alloc(paddingOf(data.length)));
    }
  }
  if (!opts.noEnd) parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
