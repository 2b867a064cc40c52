/**
 * @module builder/context/tarsum
 * The checksums dockerd's legacy builder gives COPY/ADD sources from the build context, which
 * appear in history (`COPY file:8582af4d… in /f`, `COPY dir:649c5e2d… in /d`) and so in the
 * cache key. Per entry, "tarsum v1": SHA-256 over the entry's tar header fields as
 * name-then-value strings, without separators, in a fixed order (name, mode, uid, gid, size,
 * typeflag, linkname, uname, gname, devmajor, devminor; mtime left out), then its extended
 * attributes sorted by name, then its content. A directory source is the SHA-256 of the sorted
 * sums of everything in it, itself included, joined by commas.
 *
 * A context received as a tar is summed from the headers as sent. A directory berth reads in
 * place is summed from the headers the docker CLI would have sent for it: the path relative to
 * the context (directories with a trailing `/`), permission and set-id/sticky bits only,
 * owner 0:0 with no user or group names, and the second name of a hard link as a link entry.
 */
import { createHash, type Hash } from 'node:crypto';
import type { ContextEntry } from '../types.js';

/** The header fields a tarsum covers. */
export interface TarsumHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** The tar type flag: '0' file, '1' hard link, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo. */
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  xattrs?: ReadonlyMap<string, Buffer>;
}

const TYPEFLAGS: Record<string, string> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

/** The tar type flag of a type name (util/tar's names, or a context entry's). */
export function typeflagOf(type: string): string {
  return TYPEFLAGS[type] ?? '0';
}

/** A SHA-256 primed with the header: feed it the content (if any), then take the hex digest. */
export function tarsumHash(h: TarsumHeader): Hash {
  const hash = createHash('sha256');
  const fields: [string, string][] = [
    ['name', h.name],
    ['mode', String(h.mode)],
    ['uid', String(h.uid)],
    ['gid', String(h.gid)],
    ['size', String(h.size)],
    ['typeflag', h.typeflag],
    ['linkname', h.linkname],
    ['uname', h.uname],
    ['gname', h.gname],
    ['devmajor', String(h.devmajor)],
    ['devminor', String(h.devminor)],
  ];
  for (const [k, v] of fields) hash.update(k + v);
  if (h.xattrs?.size) {
    for (const k of [...h.xattrs.keys()].sort()) {
      hash.update(k);
      hash.update(h.xattrs.get(k)!);
    }
  }
  return hash;
}

/** The header the docker CLI sends for a context entry (`linkTo`: an earlier name of the same inode). */
export function cliHeader(e: ContextEntry, linkTo?: string): TarsumHeader {
  const link = linkTo !== undefined && e.type === 'file';
  return {
    name: e.type === 'dir' && e.rel !== '' ? `${e.rel}/` : e.rel,
    mode: e.mode & 0o7777,
    uid: 0,
    gid: 0,
    size: e.type === 'file' && !link ? e.size : 0,
    typeflag: link ? '1' : typeflagOf(e.type === 'other' ? 'fifo' : e.type),
    linkname: link ? linkTo : e.type === 'symlink' ? (e.linkTarget ?? '') : '',
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
  };
}

/** The legacy builder's `dir:` checksum from the sums of a directory's entries (itself included). */
export function dirChecksum(sums: readonly string[]): string {
  return `dir:${createHash('sha256').update([...sums].sort().join(',')).digest('hex')}`;
}
