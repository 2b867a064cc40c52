/**
 * @module builder/cache/local-cache-index
 * The build cache on disk: `buildcache/keys/<key-hex>.json` holds the image a cache key was
 * recorded for and the key's parts (so a miss can be explained by comparing parts). A record
 * whose image no longer exists is a miss. Records are written atomically; a damaged one is a
 * miss.
 *
 * `buildcache/steps/<slot-hex>.json` holds the inputs of the last build of each step slot
 * (solver/explain-cache.ts), to say what changed on a miss; slots unused for 30 days are
 * dropped at start-up.
 */
import { mkdirSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { hexOf, isDigest, type Digest } from '../../image/digest.js';
import { tempPathFor } from '../../util/atomic.js';
import type { CacheKey, CacheKeyParts } from '../cache-key.js';
import type { BuildCacheIndex } from '../types.js';
import type { StepInputs } from './miss-reason.js';

/** Step slots unused this long are forgotten. */
const SLOT_TTL_MS = 30 * 24 * 3600 * 1000;

interface CacheRecord {
  image: Digest;
  parts: CacheKeyParts;
  created: string;
}

export class LocalCacheIndex implements BuildCacheIndex {
  readonly #dir: string;
  readonly #steps: string;
  readonly #exists: (id: Digest) => boolean;

  /** @param exists whether an image is (still) in the store */
  constructor(cacheRoot: string, exists: (id: Digest) => boolean) {
    this.#dir = join(cacheRoot, 'keys');
    this.#exists = exists;
    this.#steps = join(cacheRoot, 'steps');
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
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
  }

  /** Start-up: drops records whose image is gone and leftovers of interrupted writes. */
  async prune(): Promise<number> {
    let removed = 0;
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
      }
    }
    const old = Date.now() - SLOT_TTL_MS;
    for (const name of await fs.readdir(this.#steps)) {
      const p = join(this.#steps, name);
      const st = await fs.stat(p).catch(() => undefined);
      if (st && (!name.endsWith('.json') || st.mtimeMs < old)) await fs.rm(p, { force: true });
    }
    return removed;
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
