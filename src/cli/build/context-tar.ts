/**
 * @module cli/build/context-tar
 * The build context as the docker CLI sends it: a tar of the walked entries, every entry owned
 * by 0:0, whole-second mtimes, no entry for the root, directories ending in `/`, ended by two
 * zero blocks (no record padding). Also the size of that tar without producing it, for the
 * berth CLI's local path which sends no tar but prints the same "Sending build context" line.
 */
import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { BLOCK, paddingOf } from '../../util/tar/header.js';
import type { WalkEntry } from './context-walk.js';
import { encodeContextHeader, type ContextHeader } from './go-tar-header.js';

/** An extra file put into the context (a Dockerfile from stdin or from outside the context). */
export interface ExtraFile {
  rel: string;
  data: Buffer;
}

const TYPEFLAGS: Record<WalkEntry['type'], string> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

function headerOf(e: WalkEntry): ContextHeader {
  return {
    name: e.type === 'dir' ? `${e.rel}/` : e.rel,
    typeflag: TYPEFLAGS[e.type],
    mode: e.stat.mode & 0o7777,
    size: e.type === 'file' ? e.stat.size : 0,
    mtime: Math.floor(e.stat.mtimeMs / 1000),
    linkname: e.linkname,
  };
}

function extraHeader(f: ExtraFile): ContextHeader {
  return { name: f.rel, typeflag: '0', mode: 0o600, size: f.data.length, mtime: Math.floor(Date.now() / 1000), linkname: '' };
}

/** Bytes of the context tar. */
export function contextTarSize(entries: readonly WalkEntry[], extra: readonly ExtraFile[] = []): number {
  let n = 2 * BLOCK;
  for (const e of entries) {
    const h = headerOf(e);
    n += encodeContextHeader(h).length + h.size + paddingOf(h.size);
  }
  for (const f of extra) n += encodeContextHeader(extraHeader(f)).length + f.data.length + paddingOf(f.data.length);
  return n;
}

async function* tarChunks(entries: readonly WalkEntry[], extra: readonly ExtraFile[]): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (const e of entries) {
    const h = headerOf(e);
    yield encodeContextHeader(h);
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
    yield encodeContextHeader(extraHeader(f));
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
