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
 *
 * With `dirfd` the packer works from open directory descriptors (util/fd-path.ts): a tree that
 * another process changes meanwhile, such as a running container's root, can never lead it
 * outside (an entry that changes type or vanishes while it is packed is left out). With `top`
 * it writes Docker's archive of one path (`docker cp`, GET /archive): one entry and, for a
 * directory, its contents, renamed.
 */
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, constants as C, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataLoss } from '../../errdefs/index.js';
import { fdPath, openDirAt } from '../fd-path.js';
import { native, O_CLOEXEC } from '../native.js';
import { BLOCK, encodeHeader, paddingOf } from './header.js';
import type { TarSplitWriter } from './tar-split.js';
import type { TarEntryType, TarHeader } from './types.js';

export interface PackOptions {
  whiteouts: 'overlay' | 'literal';
  /** Records the produced stream as raw bytes + file references. */
  split?: TarSplitWriter;
  /**
   * Pack from this open directory (the caller keeps it open until the stream ends, then closes
   * it): every entry is looked up relative to its directory's descriptor, never by name from
   * the root, which is then only a label.
   */
  dirfd?: number;
  /**
   * Docker's archive of one path: the entry `name` of the directory (without `name`, the
   * directory itself), with a directory's contents below it, named `as` (`.` gives `./`, `./a`).
   */
  top?: { name?: string; as: string };
  /**
   * Owner names for the headers (Docker's `cp` and `export` name owners as the container's
   * /etc/passwd does); without it, numeric owners only (layers, whose bytes must not change).
   */
  ownerNames?: (uid: number, gid: number) => { uname: string; gname: string };
}

/** Errors meaning an entry changed or vanished between lstat and open. */
const CHANGED = new Set(['ENOENT', 'ELOOP', 'ENOTDIR', 'ENXIO', 'EISDIR']);

const CHUNK = 1 << 20;
const END = Buffer.alloc(BLOCK * 2);

interface Frame {
  rel: string;
  names: string[];
  i: number;
  /** With `dirfd`: the directory's descriptor (the root's is the caller's). */
  fd?: number;
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
  /** With `top` and no name: the directory's own entry is still to be written. */
  #rootEntry: boolean;
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
    const fd = opts.dirfd;
    const names = opts.top?.name !== undefined ? [opts.top.name] : sortBytewise(readdirSync(fd === undefined ? root : fdPath(fd)));
    this.#stack = [{ rel: '', names, i: 0, ...(fd === undefined ? {} : { fd }) }];
    this.#rootEntry = opts.top !== undefined && opts.top.name === undefined;
  }

  /** The archive name of a root-relative path. */
  #tarRel(rel: string): string {
    const t = this.#opts.top;
    if (!t) return rel;
    if (t.name === undefined) return rel === '' ? t.as : `${t.as}/${rel}`;
    return t.as + rel.slice(t.name.length);
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
        if (this.#rootEntry) {
          this.#rootEntry = false;
          const fd = this.#opts.dirfd;
          const abs = fd === undefined ? this.#root : fdPath(fd);
          this.#header('', abs, fd === undefined ? lstatSync(abs) : fstatSync(fd), undefined, push);
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
          if (top.fd !== undefined && this.#stack.length) closeSync(top.fd);
          continue;
        }
        const name = top.names[top.i++]!;
        this.#emit(top.rel ? `${top.rel}/${name}` : name, name, top, push);
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

  #emit(rel: string, name: string, parent: Frame, push: (b: Buffer, raw: boolean) => void): void {
    if (parent.fd === undefined) {
      const abs = `${this.#root}/${rel}`;
      this.#header(rel, abs, lstatSync(abs), undefined, push);
      return;
    }
    const abs = fdPath(parent.fd, name);
    let st: Stats;
    let fd: number | undefined;
    try {
      st = lstatSync(abs);
      if (st.isDirectory()) fd = openDirAt(parent.fd, name);
      else if (st.isFile()) fd = openSync(abs, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK | O_CLOEXEC);
    } catch (e) {
      if (CHANGED.has((e as NodeJS.ErrnoException).code ?? '')) return;
      throw e;
    }
    if (fd !== undefined) {
      const now = fstatSync(fd);
      if (now.isDirectory() !== st.isDirectory() || now.isFile() !== st.isFile()) {
        closeSync(fd);
        return;
      }
      st = now;
    }
    this.#header(rel, abs, st, fd, push);
  }

  /**
   * Writes the entry for `rel` from its stat; `fd` (fd mode, files and directories) is its open
   * descriptor, which this takes over.
   */
  #header(rel: string, abs: string, st: Stats, fd: number | undefined, push: (b: Buffer, raw: boolean) => void): void {
    const own = { fd };
    try {
      this.#write(rel, abs, st, own, push);
    } finally {
      if (own.fd !== undefined) closeSync(own.fd);
    }
  }

  /** #header's body; it clears `own.fd` once the descriptor is handed over (to #file or a frame). */
  #write(rel: string, abs: string, st: Stats, own: { fd: number | undefined }, push: (b: Buffer, raw: boolean) => void): void {
    const fd = own.fd;
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    const out = this.#tarRel(rel);
    let type: TarEntryType;
    let linkname = '';
    let size = 0;
    let mode = st.mode & 0o7777;
    let tarName = out;
    let opaque = false;
    let dev = { major: 0, minor: 0 };
    if (st.isDirectory()) {
      type = 'dir';
      tarName = out + '/';
      if (this.#opts.whiteouts === 'overlay') opaque = native().lgetxattr(abs, 'trusted.overlay.opaque')?.toString() === 'y';
    } else if (st.isCharacterDevice() && st.rdev === 0 && this.#opts.whiteouts === 'overlay') {
      type = 'file';
      const slash = out.lastIndexOf('/');
      tarName = slash >= 0 ? `${out.slice(0, slash)}/.wh.${name}` : `.wh.${name}`;
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
        if (key) this.#links.set(key, out);
        if (st.isFile()) {
          type = 'file';
          size = st.size;
        } else if (st.isSymbolicLink()) {
          type = 'symlink';
          try {
            linkname = readlinkSync(abs);
          } catch (e) {
            // fd mode: no longer a symlink (EINVAL) or gone: it changed while packed.
            if (this.#opts.dirfd !== undefined && ['EINVAL', 'ENOENT'].includes((e as NodeJS.ErrnoException).code ?? '')) return;
            throw e;
          }
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
      ...(this.#opts.ownerNames?.(st.uid, st.gid) ?? { uname: '', gname: '' }),
      devmajor: dev.major,
      devminor: dev.minor,
      xattrs: tarName === out || type === 'dir' ? xattrsOf(type === 'dir' && fd !== undefined ? fdPath(fd) : abs) : new Map(),
    };
    push(encodeHeader(h), true);
    this.entries++;
    if (type === 'file') this.contentSize += size;
    else if (type === 'symlink') this.contentSize += Buffer.byteLength(linkname);
    if (type === 'file' && size > 0) {
      const file = fd ?? openSync(abs, C.O_RDONLY | C.O_NOFOLLOW);
      own.fd = undefined;
      this.#opts.split?.file(rel, size);
      this.#file = { fd: file, left: size, rel, padding: paddingOf(size) };
    }
    if (type === 'dir') {
      if (opaque) {
        push(
          encodeHeader({ ...h, name: `${out}/.wh..wh..opq`, type: 'file', mode: mode & 0o777, size: 0, xattrs: new Map() }),
          true,
        );
        this.entries++;
      }
      // The root's own entry (top without a name) has its frame already.
      if (rel === '') return;
      if (fd === undefined) {
        this.#stack.push({ rel, names: sortBytewise(readdirSync(abs)), i: 0 });
      } else {
        const names = sortBytewise(readdirSync(fdPath(fd)));
        own.fd = undefined;
        this.#stack.push({ rel, names, i: 0, fd });
      }
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
    // Directory descriptors opened here (the root's belongs to the caller).
    for (const f of this.#stack.slice(1)) if (f.fd !== undefined) closeSync(f.fd);
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

/** The tar of a directory as a stream; `closed` runs once when the stream ends or is destroyed. */
export function packDir(root: string, opts: PackOptions, closed?: () => void): Readable {
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
      try {
        closed?.();
      } finally {
        cb(err);
      }
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
