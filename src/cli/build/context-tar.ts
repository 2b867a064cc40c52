/**
 * @module cli/build/context-tar
 * The build context as the docker CLI sends it: a tar of the walked entries, every entry owned
 * by 0:0, whole-second mtimes, no entry for the root, directories ending in `/`, ended by two
 * zero blocks (no record padding). Also the size of that tar without producing it, for the
 * berth CLI's local path which sends no tar but prints the same "Sending build context" line.
 */
import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { BLOCK, encodeHeader, paddingOf } from '../../util/tar/header.js';
import type { TarHeader } from '../../util/tar/types.js';
import type { WalkEntry } from './context-walk.js';

/** An extra file put into the context (a Dockerfile from stdin or from outside the context). */
export interface ExtraFile {
  rel: string;
  data: Buffer;
}

function headerOf(e: WalkEntry): TarHeader {
  const type = e.type === 'link' ? 'link' : e.type;
  return {
    name: e.type === 'dir' ? `${e.rel}/` : e.rel,
    type,
    mode: e.stat.mode & 0o7777,
    uid: 0,
    gid: 0,
    size: e.type === 'file' ? e.stat.size : 0,
    mtime: Math.floor(e.stat.mtimeMs / 1000),
    linkname: e.linkname,
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
    xattrs: new Map(),
  };
}

function extraHeader(f: ExtraFile): TarHeader {
  return {
    name: f.rel, type: 'file', mode: 0o600, uid: 0, gid: 0, size: f.data.length, mtime: Math.floor(Date.now() / 1000),
    linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0, xattrs: new Map(),
  };
}

/** Bytes of the context tar. */
export function contextTarSize(entries: readonly WalkEntry[], extra: readonly ExtraFile[] = []): number {
  let n = 2 * BLOCK;
  for (const e of entries) {
    const h = headerOf(e);
    n += encodeHeader(h).length + h.size + paddingOf(h.size);
  }
  for (const f of extra) n += encodeHeader(extraHeader(f)).length + f.data.length + paddingOf(f.data.length);
  return n;
}

async function* tarChunks(entries: readonly WalkEntry[], extra: readonly ExtraFile[]): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (const e of entries) {
    const h = headerOf(e);
    yield encodeHeader(h);
    if (e.type !== 'file' || h.size === 0) continue;
    const fh = await fs.open(e.abs, 'r');
    try {
      let left = h.size;
      while (left > 0) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, left), null);
        if (bytesRead === 0) {
          // The file shrank while sending: pad with zeros to the size announced.
          yield Buffer.alloc(left);
          break;
        }
        left -= bytesRead;
        yield Buffer.from(buf.subarray(0, bytesRead));
      }
    } finally {
      await fh.close();
    }
    const pad = paddingOf(h.size);
    if (pad) yield Buffer.alloc(pad);
  }
  for (const f of extra) {
    yield encodeHeader(extraHeader(f));
    yield f.data;
    const pad = paddingOf(f.data.length);
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** The context tar as a stream. */
export function contextTar(entries: readonly WalkEntry[], extra: readonly ExtraFile[] = []): Readable {
  return Readable.from(tarChunks(entries, extra), { objectMode: false });
}
