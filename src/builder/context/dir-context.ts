/**
 * @module builder/context/dir-context
 * A build context backed by a directory: either a received tar extracted into the daemon's
 * scratch space (already filtered by the client), or the client's own directory on this host
 * (the berth CLI's local path), seen through `.dockerignore`.
 *
 * Visibility follows the docker CLI's context walk: a path is hidden when `.dockerignore`
 * excludes it, except a directory that still holds a re-included path (`!pattern`), which
 * stays visible with only those paths inside.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, promises as fs, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { BuildContext, ContextEntry } from '../types.js';
import { type DigestCache, nowNs } from './digest-cache.js';
import { cliHeader, tarsumHash } from './tarsum.js';

/** `.dockerignore` as the context needs it. */
export interface ContextFilter {
  /** Whether a path (relative, `/`-separated) is excluded, parents considered. */
  excluded(rel: string): boolean;
  /** Whether an exception pattern may re-include something below an excluded directory. */
  mayReinclude(relDir: string): boolean;
}

export interface DirContextOptions {
  filter?: ContextFilter;
  /** Remembered digests (local contexts). */
  cache?: DigestCache;
  /** Digests already known, by path (computed while a tar was extracted). */
  known?: Map<string, string>;
  /** The tarsums of a received tar's entries, by path: the only ones it has. */
  knownTarsums?: Map<string, string>;
  /** Called by dispose (removing an extracted context). */
  cleanup?: () => Promise<void>;
}

const SMALL_FILE = 256 << 10;

function typeOf(st: BigIntStats): ContextEntry['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

export function sortBytewise(names: string[]): string[] {
  if (names.every((n) => /^[\x00-\x7f]*$/.test(n))) return names.sort();
  return names
    .map((n) => ({ n, k: Buffer.from(n) }))
    .sort((a, b) => Buffer.compare(a.k, b.k))
    .map((x) => x.n);
}

export class DirContext implements BuildContext {
  readonly root: string;
  readonly #opts: DirContextOptions;
  readonly #stats = new Map<string, BigIntStats>();
  readonly #visibleDirs = new Map<string, boolean>();

  constructor(root: string, opts: DirContextOptions = {}) {
    this.root = root;
    this.#opts = opts;
  }

  #abs(rel: string): string {
    return rel === '' ? this.root : join(this.root, rel);
  }

  #lstatRaw(rel: string): BigIntStats | undefined {
    try {
      return lstatSync(this.#abs(rel), { bigint: true });
    } catch {
      return undefined;
    }
  }

  /** Whether an excluded directory still shows re-included paths. */
  #hasVisibleInside(rel: string): boolean {
    const known = this.#visibleDirs.get(rel);
    if (known !== undefined) return known;
    let found = false;
    const f = this.#opts.filter!;
    if (f.mayReinclude(rel)) {
      let names: string[] = [];
      try {
        names = readdirSync(this.#abs(rel));
      } catch {
        names = [];
      }
      for (const n of names) {
        const child = `${rel}/${n}`;
        if (!f.excluded(child)) {
          found = true;
          break;
        }
        const st = this.#lstatRaw(child);
        if (st?.isDirectory() && this.#hasVisibleInside(child)) {
          found = true;
          break;
        }
      }
    }
    this.#visibleDirs.set(rel, found);
    return found;
  }

  #visible(rel: string, st: BigIntStats): boolean {
    const f = this.#opts.filter;
    if (!f || rel === '' || !f.excluded(rel)) return true;
    return st.isDirectory() && this.#hasVisibleInside(rel);
  }

  lstat(rel: string): ContextEntry | undefined {
    const st = this.#lstatRaw(rel);
    if (!st || !this.#visible(rel, st)) return undefined;
    // Every parent must be visible too (an excluded parent hides what is below it).
    if (this.#opts.filter && rel.includes('/')) {
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) {
        const p = parts.slice(0, i).join('/');
        const pst = this.#lstatRaw(p);
        if (!pst || !this.#visible(p, pst)) return undefined;
      }
    }
    this.#stats.set(rel, st);
    const type = typeOf(st);
    const e: ContextEntry = {
      rel, type, mode: Number(st.mode) & 0o7777, size: type === 'file' ? Number(st.size) : 0,
      ino: Number(st.ino), nlink: Number(st.nlink), mtimeMs: Number(st.mtimeNs / 1_000_000n), uid: Number(st.uid), gid: Number(st.gid),
    };
    if (type === 'symlink') {
      try {
        e.linkTarget = readlinkSync(this.#abs(rel));
      } catch {
        return undefined;
      }
    }
    return e;
  }

  readdir(rel: string): string[] {
    let names: string[];
    try {
      names = readdirSync(this.#abs(rel));
    } catch {
      return [];
    }
    const f = this.#opts.filter;
    if (f) {
      names = names.filter((n) => {
        const child = rel === '' ? n : `${rel}/${n}`;
        if (!f.excluded(child)) return true;
        const st = this.#lstatRaw(child);
        return !!st && st.isDirectory() && this.#hasVisibleInside(child);
      });
    }
    return sortBytewise(names);
  }

  async fileDigest(entry: ContextEntry): Promise<string> {
    const known = this.#opts.known?.get(entry.rel);
    if (known) return known;
    const st = this.#stats.get(entry.rel) ?? this.#lstatRaw(entry.rel);
    const cache = this.#opts.cache;
    if (st && cache) {
      const hit = cache.get(entry.rel, st);
      if (hit) return hit;
    }
    const startedAt = nowNs();
    const digest = await hashFile(this.#abs(entry.rel), entry.size);
    if (st && cache) cache.set(entry.rel, st, startedAt, digest);
    return digest;
  }

  async tarsum(entry: ContextEntry, linkTo?: string): Promise<string> {
    const known = this.#opts.knownTarsums;
    // As dockerd: a path the received tar had no entry for is summed as the path itself.
    if (known) return known.get(entry.rel) ?? entry.rel;
    const header = cliHeader(entry, linkTo);
    if (header.typeflag !== '0') return tarsumHash(header).digest('hex');
    const st = this.#stats.get(entry.rel) ?? this.#lstatRaw(entry.rel);
    const cache = this.#opts.cache;
    // The header is the file's path and stat, so the stat that validates the content
    // validates the sum too.
    const key = `\0tarsum ${entry.rel}`;
    if (st && cache) {
      const hit = cache.get(key, st);
      if (hit) return hit;
    }
    const startedAt = nowNs();
    const sum = (await hashFileInto(this.#abs(entry.rel), entry.size, tarsumHash(header))).digest('hex');
    if (st && cache) cache.set(key, st, startedAt, sum);
    return sum;
  }

  async dispose(): Promise<void> {
    await this.#opts.cache?.save();
    await this.#opts.cleanup?.();
  }
}

/** sha256 of a file: small files read synchronously (cheaper per file), large ones in chunks. */
export async function hashFile(path: string, sizeHint: number): Promise<string> {
  return `sha256:${(await hashFileInto(path, sizeHint, createHash('sha256'))).digest('hex')}`;
}

/** Feeds a file's content to `h`: small files read synchronously, large ones in chunks. */
async function hashFileInto(path: string, sizeHint: number, h: Hash): Promise<Hash> {
  if (sizeHint <= SMALL_FILE) {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(64 << 10);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        h.update(buf.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    return h;
  }
  const fh = await fs.open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h;
}
