/**
 * @module util/tar/pack
 * A deterministic tar writer for directories: the same directory always gives the same bytes.
 * Entries come depth-first with each directory's names sorted bytewise (directories end in
 * `/`, no `./` prefix, no root entry), headers are ustar with PAX only where needed (see
 * header.ts), numeric owners only, whole-second mtimes, hard links by inode, sockets skipped,
 * and the archive ends with two zero blocks.
 *
 * In `overlay` mode the overlayfs whiteouts of an upper directory become AUFS whiteouts:
 * a 0/0 char device `x` → empty file `.wh.x` (mode 0600), a directory with
 * `trusted.overlay.opaque=y` → the directory, then `dir/.wh..wh..opq`. Other
 * `trusted.overlay.*` xattrs are never written.
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, constants as C } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataLoss } from '../../errdefs/index.js';
import { native } from '../native.js';
import { BLOCK, encodeHeader, paddingOf } from './header.js';
import type { TarSplitWriter } from './tar-split.js';
import type { TarEntryType, TarHeader } from './types.js';

export interface PackOptions {
  whiteouts: 'overlay' | 'literal';
  /** Records the produced stream as raw bytes + file references. */
  split?: TarSplitWriter;
}

const CHUNK = 1 << 20;
const END = Buffer.alloc(BLOCK * 2);

interface Frame {
  rel: string;
  names: string[];
  i: number;
}

function sortBytewise(names: string[]): string[] {
  if (names.every((n) => /^[\x00-\x7f]*$/.test(n))) return names.sort();
  return names
    .map((n) => ({ n, k: Buffer.from(n) }))
    .sort((a, b) => Buffer.compare(a.k, b.k))
    .map((x) => x.n);
}

function devNumbers(rdev: number): { major: number; minor: number } {
  const hi = Math.floor(rdev / 0x100000000);
  const lo = rdev >>> 0;
  return {
    major: ((lo >>> 8) & 0xfff) | (hi & 0xfffff000),
    minor: (lo & 0xff) | ((lo >>> 12) & 0xfff00),
  };
}

/** Produces a directory's tar stream chunk by chunk, synchronously. */
export class DirPacker {
  readonly #root: string;
  readonly #opts: PackOptions;
  readonly #stack: Frame[];
  readonly #links = new Map<string, string>();
  #file: { fd: number; left: number; rel: string; padding: number } | undefined;
  #done = false;
  /** Total bytes produced. */
  bytes = 0;
  /** Number of entries written. */
  entries = 0;
  /** Docker's layer size: regular file sizes (each inode once) plus symlink target lengths. */
  contentSize = 0;

  constructor(root: string, opts: PackOptions) {
    this.#root = root;
    this.#opts = opts;
    this.#stack = [{ rel: '', names: sortBytewise(readdirSync(root)), i: 0 }];
  }

  /** The next chunk of the stream, or null when it is complete. */
  next(): Buffer | null {
    const out: Buffer[] = [];
    let len = 0;
    const push = (b: Buffer, raw: boolean) => {
      out.push(b);
      len += b.length;
      if (raw) this.#opts.split?.raw(b);
    };
    try {
      while (len < CHUNK) {
        if (this.#file) {
          const f = this.#file;
          if (f.left > 0) {
            const buf = Buffer.allocUnsafe(Math.min(CHUNK, f.left));
            const n = readSync(f.fd, buf, 0, buf.length, null);
            if (n === 0) throw new DataLoss(`${f.rel} shrank while it was being archived`);
            f.left -= n;
            push(n === buf.length ? buf : buf.subarray(0, n), false);
            continue;
          }
          closeSync(f.fd);
          this.#file = undefined;
          if (f.padding) push(Buffer.alloc(f.padding), true);
          continue;
        }
        const top = this.#stack[this.#stack.length - 1];
        if (!top) {
          if (this.#done) break;
          this.#done = true;
          push(END, true);
          break;
        }
        if (top.i >= top.names.length) {
          this.#stack.pop();
          continue;
        }
        const name = top.names[top.i++]!;
        this.#emit(top.rel ? `${top.rel}/${name}` : name, name, push);
      }
    } catch (e) {
      this.destroy();
      throw e;
    }
    if (len === 0) return null;
    const b = out.length === 1 ? out[0]! : Buffer.concat(out, len);
    this.bytes += b.length;
    return b;
  }

  #emit(rel: string, name: string, push: (b: Buffer, raw: boolean) => void): void {
    const abs = `${this.#root}/${rel}`;
    const st = lstatSync(abs);
    let type: TarEntryType;
    let linkname = '';
    let size = 0;
    let mode = st.mode & 0o7777;
    let tarName = rel;
    let opaque = false;
    let dev = { major: 0, minor: 0 };
    if (st.isDirectory()) {
      type = 'dir';
      tarName = rel + '/';
      if (this.#opts.whiteouts === 'overlay') opaque = native().lgetxattr(abs, 'trusted.overlay.opaque')?.toString() === 'y';
    } else if (st.isCharacterDevice() && st.rdev === 0 && this.#opts.whiteouts === 'overlay') {
      type = 'file';
      const slash = rel.lastIndexOf('/');
      tarName = slash >= 0 ? `${rel.slice(0, slash)}/.wh.${name}` : `.wh.${name}`;
      mode = 0o600;
    } else if (st.isSocket()) {
      return;
    } else {
      const key = st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined;
      const first = key ? this.#links.get(key) : undefined;
      if (first !== undefined) {
        type = 'link';
        linkname = first;
      } else {
        if (key) this.#links.set(key, rel);
        if (st.isFile()) {
          type = 'file';
          size = st.size;
        } else if (st.isSymbolicLink()) {
          type = 'symlink';
          linkname = readlinkSync(abs);
        } else if (st.isCharacterDevice() || st.isBlockDevice()) {
          type = st.isCharacterDevice() ? 'char' : 'block';
          dev = devNumbers(st.rdev);
        } else if (st.isFIFO()) {
          type = 'fifo';
        } else return;
      }
    }
    const h: TarHeader = {
      name: tarName,
      type,
      mode,
      uid: st.uid,
      gid: st.gid,
      size,
      mtime: Math.floor(st.mtimeMs / 1000),
      linkname,
      uname: '',
      gname: '',
      devmajor: dev.major,
      devminor: dev.minor,
      xattrs: tarName === rel || type === 'dir' ? xattrsOf(abs) : new Map(),
    };
    push(encodeHeader(h), true);
    this.entries++;
    if (type === 'file') this.contentSize += size;
    else if (type === 'symlink') this.contentSize += Buffer.byteLength(linkname);
    if (type === 'file' && size > 0) {
      const fd = openSync(abs, C.O_RDONLY | C.O_NOFOLLOW);
      this.#opts.split?.file(rel, size);
      this.#file = { fd, left: size, rel, padding: paddingOf(size) };
    }
    if (type === 'dir') {
      if (opaque) {
        push(
          encodeHeader({ ...h, name: `${rel}/.wh..wh..opq`, type: 'file', mode: mode & 0o777, size: 0, xattrs: new Map() }),
          true,
        );
        this.entries++;
      }
      this.#stack.push({ rel, names: sortBytewise(readdirSync(abs)), i: 0 });
    }
  }

  /** Closes an open file after an error or early stop. */
  destroy(): void {
    if (this.#file) {
      try {
        closeSync(this.#file.fd);
      } catch {
        /* closed */
      }
      this.#file = undefined;
    }
    this.#stack.length = 0;
    this.#done = true;
  }
}

function xattrsOf(abs: string): Map<string, Buffer> {
  const n = native();
  const out = new Map<string, Buffer>();
  const names = n.llistxattr(abs).filter((k) => !k.startsWith('trusted.overlay.')).sort();
  for (const k of names) {
    const v = n.lgetxattr(abs, k);
    if (v !== null) out.set(k, v);
  }
  return out;
}

/** The tar of a directory as a stream. */
export function packDir(root: string, opts: PackOptions): Readable {
  let packer: DirPacker | undefined;
  return new Readable({
    highWaterMark: 4 * CHUNK,
    read() {
      try {
        packer ??= new DirPacker(root, opts);
        for (;;) {
          const b = packer.next();
          if (b === null) {
            this.push(null);
            return;
          }
          if (!this.push(b)) return;
        }
      } catch (e) {
        this.destroy(e as Error);
      }
    },
    destroy(err, cb) {
      packer?.destroy();
      cb(err);
    },
  });
}

/** Packs a directory without keeping the bytes: its sha256 (the diffID) and size. */
export function hashDir(root: string, opts: PackOptions): { digest: `sha256:${string}`; size: number } {
  const h = createHash('sha256');
  const p = new DirPacker(root, opts);
  for (let b = p.next(); b !== null; b = p.next()) h.update(b);
  return { digest: `sha256:${h.digest('hex')}`, size: p.bytes };
}
