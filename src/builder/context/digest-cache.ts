/**
 * @module builder/context/digest-cache
 * Content digests of a local context's files, remembered by their stat (inode, size, mtime and
 * ctime in nanoseconds) so that an unchanged file is never read again. A digest is trusted only
 * when the file's mtime is clearly older than the moment it was hashed: file times are coarse
 * (a few milliseconds), so a write just after hashing could otherwise go unnoticed.
 *
 * Persisted as one JSON file per context directory under `buildcache/files/`, written
 * atomically after a build; a missing or unreadable file is an empty cache.
 */
import { promises as fs, type BigIntStats } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic.js';

/** Margin between a file's mtime and its hashing for the digest to be trusted. */
const RACY_NS = 50_000_000n;

/** [ino, size, mtimeNs, ctimeNs, hashedAtNs, digest] */
type Row = [string, string, string, string, string, string];

export class DigestCache {
  readonly #file: string | undefined;
  readonly #rows = new Map<string, Row>();
  #dirty = false;

  constructor(file?: string) {
    this.#file = file;
  }

  async load(): Promise<this> {
    if (!this.#file) return this;
    try {
      const data = JSON.parse(await fs.readFile(this.#file, 'utf8')) as { v: number; rows: Record<string, Row> };
      if (data.v === 1) for (const [k, r] of Object.entries(data.rows)) if (Array.isArray(r) && r.length === 6) this.#rows.set(k, r);
    } catch {
      /* no cache yet, or damaged: start empty */
    }
    return this;
  }

  get(rel: string, st: BigIntStats): string | undefined {
    const r = this.#rows.get(rel);
    if (!r) return undefined;
    if (r[0] !== String(st.ino) || r[1] !== String(st.size) || r[2] !== String(st.mtimeNs) || r[3] !== String(st.ctimeNs)) return undefined;
    if (BigInt(r[4]) - st.mtimeNs < RACY_NS) return undefined;
    return r[5];
  }

  set(rel: string, st: BigIntStats, hashedAtNs: bigint, digest: string): void {
    this.#rows.set(rel, [String(st.ino), String(st.size), String(st.mtimeNs), String(st.ctimeNs), String(hashedAtNs), digest]);
    this.#dirty = true;
  }

  /** Writes the cache when it changed. */
  async save(): Promise<void> {
    if (!this.#file || !this.#dirty) return;
    const rows: Record<string, Row> = {};
    for (const [k, r] of this.#rows) rows[k] = r;
    await writeFileAtomic(this.#file, JSON.stringify({ v: 1, rows }));
    this.#dirty = false;
  }
}

/** Removes the digest caches of contexts not built from for `maxAgeMs`. */
export async function pruneDigestCaches(dir: string, maxAgeMs: number): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const cutoff = Date.now() - maxAgeMs;
  for (const n of names) {
    const p = `${dir}/${n}`;
    const st = await fs.stat(p).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) await fs.rm(p, { force: true });
  }
}

/** Now in nanoseconds since the epoch, comparable with file times. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
