/**
 * @module builder/cache/local-cache-index
 * The build cache on disk: `buildcache/keys/<key-hex>.json` holds the image a cache key was
 * recorded for and the key's parts (so a miss can be explained by comparing parts). A record
 * whose image no longer exists is a miss. Records are written atomically; a damaged one is a
 * miss. `list` and `remove` serve `system df` and `builder prune`.
 *
 * Uses (a hit's time and count, for `system df -v` and prune's `until`) are kept in memory and
 * written as one file, `buildcache/usage.json`, shortly after the last change: a cached build of
 * a thousand steps then costs one write, not one per step. A crash loses at most the uses of
 * the last moments; an entry whose record is gone is ignored and dropped at start-up.
 *
 * `buildcache/steps/<slot-hex>.json` holds the inputs of the last build of each step slot
 * (solver/explain-cache.ts), to say what changed on a miss; slots unused for 30 days are
 * dropped at start-up.
 */
import { mkdirSync, readFileSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { hexOf, isDigest, type Digest } from '../../image/digest.js';
import { tempPathFor } from '../../util/atomic.js';
import { Mutex } from '../../util/mutex.js';
import type { CacheKey, CacheKeyParts } from '../cache-key.js';
import type { BuildCacheEntry, BuildCacheIndex, BuildCacheRecords } from '../types.js';
import type { StepInputs } from './miss-reason.js';

/** Step slots unused this long are forgotten. */
const SLOT_TTL_MS = 30 * 24 * 3600 * 1000;

interface CacheRecord {
  image: Digest;
  parts: CacheKeyParts;
  created: string;
}

/** A key's uses since it was recorded: the recording build counts as the first. */
interface Usage {
  lastUsed?: string;
  usage: number;
}

/** How long after the last use the usage file is written. */
const FLUSH_DELAY_MS = 500;

export class LocalCacheIndex implements BuildCacheIndex, BuildCacheRecords {
  readonly #dir: string;
  readonly #usageFile: string;
  readonly #steps: string;
  readonly #exists: (id: Digest) => boolean;
  readonly #usage = new Map<string, Usage>();
  readonly #flushes = new Mutex();
  #timer: NodeJS.Timeout | undefined;

  /** @param exists whether an image is (still) in the store */
  constructor(cacheRoot: string, exists: (id: Digest) => boolean) {
    this.#dir = join(cacheRoot, 'keys');
    this.#usageFile = join(cacheRoot, 'usage.json');
    this.#exists = exists;
    this.#steps = join(cacheRoot, 'steps');
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    try {
      const saved = JSON.parse(readFileSync(this.#usageFile, 'utf8')) as Record<string, Usage>;
      for (const [k, u] of Object.entries(saved)) if (typeof u?.usage === 'number') this.#usage.set(k, u);
    } catch {
      /* none yet, or damaged: uses start over */
    }
    mkdirSync(this.#steps, { recursive: true, mode: 0o700 });
  }

  async lastInputs(slot: Digest): Promise<StepInputs | undefined> {
    try {
      return JSON.parse(await fs.readFile(join(this.#steps, `${hexOf(slot)}.json`), 'utf8')) as StepInputs;
    } catch {
      return undefined;
    }
  }

  async rememberInputs(slot: Digest, inputs: StepInputs): Promise<void> {
    // Atomic, not synced: a lost record only makes the next miss say less.
    const target = join(this.#steps, `${hexOf(slot)}.json`);
    const tmp = tempPathFor(target);
    await fs.writeFile(tmp, JSON.stringify(inputs));
    await fs.rename(tmp, target);
  }

  async lookup(key: CacheKey): Promise<Digest | undefined> {
    const r = await this.read(key.digest);
    if (!r || !isDigest(r.image) || !this.#exists(r.image)) return undefined;
    const hex = hexOf(key.digest);
    this.#usage.set(hex, { lastUsed: new Date().toISOString(), usage: (this.#usage.get(hex)?.usage ?? 1) + 1 });
    this.#scheduleFlush();
    return r.image;
  }

  async record(key: CacheKey, image: Digest): Promise<void> {
    const rec: CacheRecord = { image, parts: key.parts, created: new Date().toISOString() };
    // Atomic (a reader never sees half a record) but not synced: after a crash a record may be
    // missing, which is only a cache miss, and builds do not wait for the disk.
    const target = join(this.#dir, `${hexOf(key.digest)}.json`);
    const tmp = tempPathFor(target);
    await fs.writeFile(tmp, JSON.stringify(rec));
    await fs.rename(tmp, target);
    if (this.#usage.delete(hexOf(key.digest))) this.#scheduleFlush();
  }

  /** The records whose image still exists, with their uses. */
  async list(): Promise<BuildCacheEntry[]> {
    const out: BuildCacheEntry[] = [];
    for (const name of await fs.readdir(this.#dir)) {
      const m = /^([0-9a-f]{64})\.json$/.exec(name);
      if (!m) continue;
      const key = `sha256:${m[1]}` as Digest;
      const r = await this.read(key);
      if (!r || !isDigest(r.image) || !this.#exists(r.image)) continue;
      const u = this.#usage.get(m[1]!);
      out.push({ key, image: r.image, parts: r.parts, created: r.created, lastUsed: u?.lastUsed, usage: u?.usage ?? 1 });
    }
    return out;
  }

  /** Removes a key's record: one unlink, so a crash leaves it either there or gone. */
  async remove(key: Digest): Promise<boolean> {
    const hex = hexOf(key);
    if (this.#usage.delete(hex)) this.#scheduleFlush();
    try {
      await fs.unlink(join(this.#dir, `${hex}.json`));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  /** Start-up: drops records whose image is gone, leftovers of interrupted writes, and uses of gone records. */
  async prune(): Promise<number> {
    let removed = 0;
    const live = new Set<string>();
    for (const name of await fs.readdir(this.#dir)) {
      const p = join(this.#dir, name);
      let drop = !name.endsWith('.json');
      if (!drop) {
        const r = await this.read(`sha256:${name.slice(0, -'.json'.length)}`);
        drop = !r || !isDigest(r.image) || !this.#exists(r.image);
      }
      if (drop) {
        await fs.rm(p, { force: true });
        removed++;
      } else live.add(name.slice(0, -'.json'.length));
    }
    let changed = false;
    for (const k of [...this.#usage.keys()]) if (!live.has(k)) changed = this.#usage.delete(k) || changed;
    if (changed) await this.flush();
    const old = Date.now() - SLOT_TTL_MS;
    for (const name of await fs.readdir(this.#steps)) {
      const p = join(this.#steps, name);
      const st = await fs.stat(p).catch(() => undefined);
      if (st && (!name.endsWith('.json') || st.mtimeMs < old)) await fs.rm(p, { force: true });
    }
    return removed;
  }

  /** Writes the uses now (atomic; not synced, like the records). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#flushes.run(async () => {
      const tmp = tempPathFor(this.#usageFile);
      await fs.writeFile(tmp, JSON.stringify(Object.fromEntries(this.#usage)));
      await fs.rename(tmp, this.#usageFile);
    });
  }

  #scheduleFlush(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => {
        /* the uses stay in memory; the next change writes them again */
      });
    }, FLUSH_DELAY_MS);
    this.#timer.unref();
  }

  /** The stored record of a key (for explaining misses). */
  async read(digest: Digest): Promise<CacheRecord | undefined> {
    try {
      return JSON.parse(await fs.readFile(join(this.#dir, `${hexOf(digest)}.json`), 'utf8')) as CacheRecord;
    } catch {
      return undefined;
    }
  }
}
