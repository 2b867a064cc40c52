/**
 * @module util/tar/extract
 * A safe tar extractor, fed by {@link TarParser}. It never writes outside its root:
 * absolute names, `..`, writing through a symlink (planted earlier in the same tar or already
 * present in the target, e.g. a lower layer) and hard links leading out are rejected with an
 * {@link UnsafePathError} before anything is written for that entry. Parent directories are
 * checked component by component with lstat, never followed. A symlink's target is only data:
 * absolute or climbing out with `..`, it is created as it is (dockerd extracts in a chroot, where
 * `../../x` from the root is `/x`; build contexts and layers carry such links), and readers
 * resolve links within their root (builder/rootfs/scope.ts).
 *
 * Creates regular files, directories, symlinks, hard links, fifos and device nodes with
 * owner, mode (setuid/setgid/sticky), xattrs (security.capability set after chown) and mtimes
 * (directories last). In `overlay` mode AUFS whiteouts become overlayfs ones: `.wh.NAME` →
 * 0/0 char device, `.wh..wh..opq` → `trusted.overlay.opaque=y` on the directory.
 *
 * With `dirfd` every name is looked up relative to the descriptor of its parent directory,
 * each directory opened one component at a time without following symlinks (util/fd-path.ts):
 * a tree another process changes meanwhile (a running container's root, where a directory can
 * be swapped for a symlink between any two calls) can then never lead a write outside it.
 *
 * Uses synchronous file-system calls on purpose: one entry costs a few microseconds instead
 * of a thread-pool round trip per call, which is what makes 10,000-file layers fast.
 */
import {
  closeSync, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync,
  symlinkSync, writeSync, chmodSync, constants as C,
} from 'node:fs';
import { InvalidArgument, SystemError } from '../../errdefs/index.js';
import { chmodAt, fdPath, openDirAt, removeAllAt } from '../fd-path.js';
import { native } from '../native.js';
import { baseOf, cleanEntryName, cleanLinkTarget, parentOf, UnsafePathError } from './paths.js';
import type { TarSplitWriter } from './tar-split.js';
import { ReplacedFiles } from './replaced-files.js';
import { WriteQueue, type QueuedFile } from './write-queue.js';
import { defaultExtractLimits, type ExtractLimits, type ExtractStats, type TarHandler, type TarHeader } from './types.js';

export interface ExtractOptions {
  /** `overlay`: convert AUFS whiteouts to overlayfs ones; `literal`: extract `.wh.*` as files. */
  whiteouts: 'overlay' | 'literal';
  /** Records raw bytes and file references for byte-exact reproduction. */
  split?: TarSplitWriter;
  /** With `split`: where a recorded file goes when a later entry replaces it. */
  extraDir?: string;
  limits?: Partial<ExtractLimits>;
  /** Apply uid/gid from the archive (default: when running as root). */
  chown?: boolean;
  /** With chown: give every entry this owner instead of the archive's (`docker cp -a`). */
  owner?: { uid: number; gid: number };
  /**
   * Write file contents through the thread pool (see write-queue.ts); the caller then awaits
   * {@link Extractor.pressure} between chunks and {@link Extractor.finishAsync} at the end.
   */
  asyncWrites?: boolean;
  /**
   * Extract beneath this open directory (the caller's; `root` is then only a label), resolving
   * every name from descriptors, never by a path from the root. Not with `split`/`asyncWrites`.
   */
  dirfd?: number;
}

/** Directory descriptors an fd-mode extraction keeps open at most between two entries. */
const MAX_DIR_FDS = 256;

export interface ExtractResult extends ExtractStats {
  /** Recorded files moved aside because a later entry replaced them: file index → name in extraDir. */
  moved: Record<string, string>;
}

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

export class Extractor implements TarHandler {
  readonly #root: string;
  readonly #opts: ExtractOptions;
  readonly #limits: ExtractLimits;
  readonly #chown: boolean;
  /** Directories known to be real directories (created or verified), root-relative. */
  readonly #dirs = new Set<string>(['']);
  readonly #replaced: ReplacedFiles;
  readonly #dirTimes: [string, number, string][] = [];
  /** With `dirfd`: open descriptors of directories, root-relative (the root's is not here). */
  readonly #dirFds = new Map<string, number>();
  #file: { fd: number; h: TarHeader; abs: string; q?: QueuedFile } | undefined;
  readonly #queue: WriteQueue | undefined;
  #entries = 0;
  #size = 0;
  #total = 0;

  constructor(root: string, opts: ExtractOptions) {
    this.#root = root;
    this.#opts = opts;
    this.#limits = { ...defaultExtractLimits, ...opts.limits };
    this.#chown = opts.chown ?? process.getuid?.() === 0;
    this.#queue = opts.asyncWrites ? new WriteQueue() : undefined;
    if (opts.dirfd !== undefined && (opts.split || opts.asyncWrites)) throw new InvalidArgument('extracting from a descriptor takes neither split nor asyncWrites');
    this.#replaced = new ReplacedFiles(root, opts.split ? opts.extraDir : undefined);
  }

  /** With asyncWrites: a promise to await before feeding more when too much is in flight. */
  pressure(): Promise<void> | undefined {
    return this.#queue?.pressure();
  }

  raw(b: Buffer): void {
    this.#opts.split?.raw(b);
  }

  data(chunk: Buffer): void {
    const f = this.#file;
    if (!f) return;
    if (f.q) {
      this.#queue!.write(f.q, chunk);
      return;
    }
    let off = 0;
    while (off < chunk.length) off += writeSync(f.fd, chunk, off, chunk.length - off);
  }

  entryEnd(): void {
    const f = this.#file;
    if (!f) return;
    this.#file = undefined;
    const finalize = () => {
      try {
        if (this.#chown) fchownSync(f.fd, this.#opts.owner?.uid ?? f.h.uid, this.#opts.owner?.gid ?? f.h.gid);
        fchmodSync(f.fd, f.h.mode);
        this.#xattrs(f.abs, f.h);
        futimesSync(f.fd, f.h.mtime, f.h.mtime);
      } finally {
        closeSync(f.fd);
      }
    };
    if (f.q) this.#queue!.end(f.q, finalize);
    else finalize();
  }

  entry(h: TarHeader): void {
    if (++this.#entries > this.#limits.maxEntries) {
      throw new InvalidArgument(`archive has more than ${this.#limits.maxEntries} entries: refusing to extract it`);
    }
    if (Buffer.byteLength(h.name) > this.#limits.maxPathLength) {
      throw new InvalidArgument(`invalid tar entry: path of ${Buffer.byteLength(h.name)} bytes is too long`);
    }
    this.#total += h.size;
    if (this.#total > this.#limits.maxTotalSize) {
      throw new InvalidArgument(`archive content exceeds ${this.#limits.maxTotalSize} bytes: refusing to extract it`);
    }
    const rel = cleanEntryName(h.name);
    if (this.#dirFds.size > MAX_DIR_FDS) this.#closeDirFds();
    try {
      this.#entry(rel, h);
    } catch (e) {
      if (e instanceof InvalidArgument || !code(e)) throw e;
      throw new SystemError(`extracting ${JSON.stringify(h.name)}: ${(e as Error).message}`, { cause: e });
    }
  }

  #entry(rel: string, h: TarHeader): void {
    if (rel === '') {
      if (h.type !== 'dir') throw new InvalidArgument(`invalid tar entry ${JSON.stringify(h.name)}: the root must be a directory`);
      this.#meta('', this.#abs(''), h, false);
      this.#dirTimes.push([this.#abs(''), h.mtime, '']);
      return;
    }
    const parent = parentOf(rel);
    const base = baseOf(rel);
    if (this.#opts.whiteouts === 'overlay' && base.startsWith('.wh.')) {
      this.#ensureDir(parent, h.name);
      const pabs = this.#abs(parent);
      if (base === '.wh..wh..opq') {
        native().lsetxattr(pabs, 'trusted.overlay.opaque', Buffer.from('y'));
      } else if (!base.startsWith('.wh..wh.')) {
        const target = parent ? `${parent}/${base.slice(4)}` : base.slice(4);
        const abs = this.#abs(target);
        this.#create(target, () => native().mknod(abs, S_IFCHR, 0, 0));
        if (this.#chown) lchownSync(abs, this.#opts.owner?.uid ?? h.uid, this.#opts.owner?.gid ?? h.gid);
        // The whiteout keeps the entry's time, so packing it again gives the same bytes.
        lutimesSync(abs, h.mtime, h.mtime);
      }
      return;
    }
    this.#ensureDir(parent, h.name);
    const abs = this.#abs(rel);
    switch (h.type) {
      case 'dir': {
        try {
          mkdirSync(abs, 0o700);
        } catch (e) {
          if (code(e) !== 'EEXIST') throw e;
          if (!lstatSync(abs).isDirectory()) {
            this.#evict(rel);
            mkdirSync(abs, 0o700);
          }
        }
        this.#dirs.add(rel);
        this.#meta(rel, abs, h, false);
        this.#dirTimes.push([abs, h.mtime, rel]);
        return;
      }
      case 'file': {
        let fd = -1;
        this.#create(rel, () => {
          fd = openSync(abs, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
        });
        this.#size += h.size;
        if (this.#opts.split && h.size > 0) this.#replaced.recorded(rel, this.#opts.split.file(rel, h.size));
        this.#file = { fd, h, abs, ...(this.#queue ? { q: this.#queue.open(fd) } : {}) };
        return;
      }
      case 'symlink': {
        this.#create(rel, () => symlinkSync(h.linkname, abs));
        this.#size += Buffer.byteLength(h.linkname);
        this.#meta(rel, abs, h, true);
        lutimesSync(abs, h.mtime, h.mtime);
        return;
      }
      case 'link': {
        const target = cleanLinkTarget(h.name, h.linkname);
        if (target === rel) return;
        this.#ensureDir(parentOf(target), h.linkname, false);
        const tabs = this.#abs(target);
        let st;
        try {
          st = lstatSync(tabs);
        } catch (e) {
          throw new InvalidArgument(`invalid hard link ${JSON.stringify(h.name)}: target ${JSON.stringify(h.linkname)} does not exist`, { cause: e });
        }
        if (st.isDirectory()) throw new InvalidArgument(`invalid hard link ${JSON.stringify(h.name)}: target ${JSON.stringify(h.linkname)} is a directory`);
        this.#create(rel, () => linkSync(tabs, abs));
        return;
      }
      case 'char':
      case 'block':
      case 'fifo': {
        const t = h.type === 'char' ? S_IFCHR : h.type === 'block' ? S_IFBLK : S_IFIFO;
        this.#create(rel, () => native().mknod(abs, t | (h.mode & 0o777), h.devmajor, h.devminor));
        this.#meta(rel, abs, h, false);
        lutimesSync(abs, h.mtime, h.mtime);
        return;
      }
    }
  }

  /** The path naming `rel`: from the root, or (fd mode) from its parent's descriptor. */
  #abs(rel: string): string {
    const fd = this.#opts.dirfd;
    if (fd === undefined) return rel ? `${this.#root}/${rel}` : this.#root;
    return rel ? fdPath(this.#dirFd(parentOf(rel)), baseOf(rel)) : fdPath(fd);
  }

  /** fd mode: the descriptor of directory `rel`, opened component by component, never through a symlink. */
  #dirFd(rel: string): number {
    if (rel === '') return this.#opts.dirfd!;
    const known = this.#dirFds.get(rel);
    if (known !== undefined) return known;
    const fd = openDirAt(this.#dirFd(parentOf(rel)), baseOf(rel));
    this.#dirFds.set(rel, fd);
    return fd;
  }

  #closeDirFds(under?: string): void {
    for (const [rel, fd] of [...this.#dirFds]) {
      if (under !== undefined && rel !== under && !rel.startsWith(under + '/')) continue;
      closeSync(fd);
      this.#dirFds.delete(rel);
    }
  }

  /** Owner, mode and xattrs of a non-regular entry (regular files use their fd). */
  #meta(rel: string, abs: string, h: TarHeader, symlink: boolean): void {
    if (this.#chown) lchownSync(abs, this.#opts.owner?.uid ?? h.uid, this.#opts.owner?.gid ?? h.gid);
    if (!symlink) {
      const fd = this.#opts.dirfd;
      if (fd === undefined) chmodSync(abs, h.mode);
      else if (rel === '') fchmodSync(fd, h.mode);
      // Never chmod by a name that could meanwhile be a symlink.
      else chmodAt(this.#dirFd(parentOf(rel)), baseOf(rel), h.mode);
    }
    this.#xattrs(abs, h);
  }

  #xattrs(abs: string, h: TarHeader): void {
    for (const [k, v] of h.xattrs) {
      if (k.startsWith('trusted.overlay.')) continue;
      try {
        native().lsetxattr(abs, k, v);
      } catch (e) {
        // As Docker: file systems without xattr support (or user.* on symlinks) are not fatal.
        if (code(e) !== 'ENOTSUP' && code(e) !== 'EPERM') throw e;
      }
    }
  }

  /**
   * Makes sure every component of `rel` is a real directory inside the root, creating missing
   * ones (0755) when `create`; a symlink or non-directory component is an error.
   */
  #ensureDir(rel: string, entry: string, create = true): void {
    if (this.#dirs.has(rel)) return;
    const parts = rel.split('/');
    let cur = '';
    for (const p of parts) {
      cur = cur ? `${cur}/${p}` : p;
      if (this.#dirs.has(cur)) continue;
      const abs = this.#abs(cur);
      let st;
      try {
        st = lstatSync(abs);
      } catch (e) {
        if (code(e) !== 'ENOENT' || !create) throw e;
        mkdirSync(abs, 0o755);
        this.#dirs.add(cur);
        continue;
      }
      if (st.isSymbolicLink()) {
        throw new UnsafePathError(
          `invalid tar entry ${JSON.stringify(entry)}: ${JSON.stringify(cur)} is a symbolic link; writing through it could leave the extraction root`,
        );
      }
      if (!st.isDirectory()) throw new InvalidArgument(`invalid tar entry ${JSON.stringify(entry)}: ${JSON.stringify(cur)} is not a directory`);
      this.#dirs.add(cur);
    }
  }

  /** Runs a create call; when something is already at `rel`, removes it first (tar semantics). */
  #create(rel: string, make: () => void): void {
    try {
      make();
    } catch (e) {
      if (code(e) !== 'EEXIST') throw e;
      this.#evict(rel);
      make();
    }
  }

  /** Removes whatever is at `rel`, keeping recorded file contents in extraDir for replay. */
  #evict(rel: string): void {
    for (const d of [...this.#dirs]) if (d === rel || d.startsWith(rel + '/')) this.#dirs.delete(d);
    if (this.#opts.dirfd === undefined) {
      this.#replaced.remove(rel);
      return;
    }
    this.#closeDirFds(rel);
    removeAllAt(this.#dirFd(parentOf(rel)), baseOf(rel));
  }

  /** finish() once every queued write is done (asyncWrites). */
  async finishAsync(): Promise<ExtractResult> {
    if (this.#file) throw new InvalidArgument('unexpected EOF: the tar archive is truncated');
    await this.#queue?.idle();
    return this.finish();
  }

  /** Sets directory mtimes (deepest first) and reports what was extracted. */
  finish(): ExtractResult {
    if (this.#file) throw new InvalidArgument('unexpected EOF: the tar archive is truncated');
    if (this.#queue?.error !== undefined) throw this.#queue.error;
    const fdMode = this.#opts.dirfd !== undefined;
    try {
      for (let i = this.#dirTimes.length - 1; i >= 0; i--) {
        const [abs, t, rel] = this.#dirTimes[i]!;
        try {
          // lutimes: a directory replaced by a symlink later in the tar is never followed.
          lutimesSync(fdMode ? this.#abs(rel) : abs, t, t);
        } catch (e) {
          // fd mode: a directory that is gone or no longer one (changed meanwhile) keeps its time.
          if (code(e) !== 'ENOENT' && !(fdMode && (code(e) === 'ELOOP' || code(e) === 'ENOTDIR'))) throw e;
        }
      }
    } finally {
      this.#closeDirFds();
    }
    return { entries: this.#entries, size: this.#size, moved: this.#replaced.moved };
  }

  /** Releases what an interrupted extraction holds (the caller removes the root). */
  abort(): void {
    this.#closeDirFds();
    if (this.#queue) {
      if (this.#file && !this.#file.q) closeSync(this.#file.fd);
      this.#file = undefined;
      this.#queue.abort();
      return;
    }
    if (this.#file) {
      try {
        closeSync(this.#file.fd);
      } catch {
        /* closed */
      }
      this.#file = undefined;
    }
  }
}
