/**
 * @module builder/mounts/cache-mount-store
 * `RUN --mount=type=cache` directories, kept across builds under the data root
 * (`<dataRoot>/cachemounts`). A cache mount is named by its id (default: its target path); it
 * is never part of a step's cache key.
 *
 * Terms and lifecycle:
 * - a *cache* is `<root>/<key>/` with `meta.json` ({id, created, lastUsed}) and one or more
 *   *instances* (`0`, `1`, …), each a directory a RUN step mounts;
 * - `acquire(id, sharing)` hands out an instance and `release()` gives it back:
 *   `shared` — instance 0, any number of steps at once; `locked` — instance 0, one step at a
 *   time (others wait, in arrival order); `private` — an instance no other step holds (a new one
 *   is made when all are busy);
 * - instances are made in `<root>/tmp-*` and renamed into place, and meta.json is written
 *   atomically, so a crash leaves either a complete cache or a leftover tmp directory, which
 *   the next start removes (`recover`).
 *
 * `list()` and `remove()` are what `system df` and `builder prune` use.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../../util/atomic.js';
import { fsyncDir } from '../../util/fs-sync.js';

export type CacheSharing = 'shared' | 'private' | 'locked';

/** One cache mount as `system df` shows it. */
export interface CacheMountInfo {
  id: string;
  /** Bytes on disk (all instances; blocks, not apparent sizes). */
  size: number;
  created: string;
  lastUsed: string;
  /** A build is using it now. */
  inUse: boolean;
}

export interface AcquiredCache {
  /** The instance directory to mount. */
  path: string;
  /** Whether the instance was made just now (empty, to seed). */
  fresh: boolean;
  release(): void;
}

interface Meta {
  id: string;
  created: string;
  lastUsed: string;
}

/** Waiters for one locked instance, in arrival order. */
class Lock {
  #held = false;
  readonly #queue: (() => void)[] = [];

  async take(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }

  give(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#held = false;
  }
}

async function diskUsage(path: string): Promise<number> {
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await fs.lstat(p);
    } catch {
      return;
    }
    total += st.blocks * 512;
    if (!st.isDirectory()) return;
    for (const n of await fs.readdir(p).catch(() => [] as string[])) await walk(join(p, n));
  };
  await walk(path);
  return total;
}

export class CacheMountStore {
  readonly #root: string;
  /** Holders per instance directory (shared and private counting). */
  readonly #users = new Map<string, number>();
  readonly #locks = new Map<string, Lock>();

  constructor(root: string) {
    this.#root = root;
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  get root(): string {
    return this.#root;
  }

  /** The directory name of a cache id. */
  static keyOf(id: string): string {
    return createHash('sha256').update(id).digest('hex').slice(0, 32);
  }

  /** Start-up: removes half-made instances. */
  async recover(): Promise<void> {
    for (const n of await fs.readdir(this.#root)) {
      if (n.startsWith('tmp-')) await fs.rm(join(this.#root, n), { recursive: true, force: true });
    }
  }

  async #ensureInstance(dir: string, n: number): Promise<{ path: string; fresh: boolean }> {
    const path = join(dir, String(n));
    if (existsSync(path)) return { path, fresh: false };
    const tmp = join(this.#root, `tmp-${randomBytes(8).toString('hex')}`);
    await fs.mkdir(tmp, { mode: 0o755 });
    try {
      await fs.rename(tmp, path);
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      if (!existsSync(path)) throw e;
      return { path, fresh: false };
    }
    await fsyncDir(dir);
    return { path, fresh: true };
  }

  async #touch(dir: string, id: string): Promise<void> {
    const now = new Date().toISOString();
    const meta = await readJsonIfExists<Meta>(join(dir, 'meta.json')).catch(() => undefined);
    await writeJsonAtomic(join(dir, 'meta.json'), { id, created: meta?.created ?? now, lastUsed: now } satisfies Meta);
  }

  /** Hands out an instance of cache `id` (see the module comment for `sharing`). */
  async acquire(id: string, sharing: CacheSharing): Promise<AcquiredCache> {
    const dir = join(this.#root, CacheMountStore.keyOf(id));
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await this.#touch(dir, id);
    let n = 0;
    if (sharing === 'private') {
      while ((this.#users.get(join(dir, String(n))) ?? 0) > 0) n++;
    }
    const inst = await this.#ensureInstance(dir, n);
    let lock: Lock | undefined;
    if (sharing === 'locked') {
      lock = this.#locks.get(inst.path) ?? new Lock();
      this.#locks.set(inst.path, lock);
      await lock.take();
    }
    this.#users.set(inst.path, (this.#users.get(inst.path) ?? 0) + 1);
    let released = false;
    return {
      ...inst,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#users.get(inst.path) ?? 1) - 1;
        if (left > 0) this.#users.set(inst.path, left);
        else this.#users.delete(inst.path);
        lock?.give();
      },
    };
  }

  /** Every cache mount with its size. */
  async list(): Promise<CacheMountInfo[]> {
    const out: CacheMountInfo[] = [];
    for (const key of (await fs.readdir(this.#root)).sort()) {
      if (key.startsWith('tmp-')) continue;
      const dir = join(this.#root, key);
      const meta = await readJsonIfExists<Meta>(join(dir, 'meta.json')).catch(() => undefined);
      if (!meta) continue;
      const inUse = [...this.#users.keys()].some((p) => p.startsWith(`${dir}/`));
      out.push({ id: meta.id, size: await diskUsage(dir), created: meta.created, lastUsed: meta.lastUsed, inUse });
    }
    return out;
  }

  /**
   * Deletes cache mounts not in use (all, or those `filter` accepts); returns what it deleted.
   * A cache in use by a running build is kept.
   */
  async remove(filter: (c: CacheMountInfo) => boolean = () => true): Promise<CacheMountInfo[]> {
    const removed: CacheMountInfo[] = [];
    for (const c of await this.list()) {
      if (c.inUse || !filter(c)) continue;
      const dir = join(this.#root, CacheMountStore.keyOf(c.id));
      // Renamed first so a crash mid-delete never leaves a half-empty cache in use.
      const doomed = join(this.#root, `tmp-${randomBytes(8).toString('hex')}`);
      await fs.rename(dir, doomed);
      await fs.rm(doomed, { recursive: true, force: true });
      removed.push(c);
    }
    return removed;
  }
}
