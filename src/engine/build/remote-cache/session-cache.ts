/**
 * @module engine/build/remote-cache/session-cache
 * A build's view of the cache when it imports or exports one: lookups go to the local index
 * first, then to each imported cache in `--cache-from` order (a record found there becomes a
 * local record too); every key that hit or was recorded is remembered for `--cache-to`.
 */
import type { CacheKey } from '../../../builder/cache-key.js';
import type { BuildCacheIndex } from '../../../builder/types.js';
import type { Digest } from '../../../image/digest.js';
import type { UsedKey } from './export-cache.js';
import type { ImportDeps, ImportedCache } from './import-cache.js';

export interface SessionCache {
  cache: BuildCacheIndex;
  /** The keys this build hit or recorded, in order. */
  used: UsedKey[];
}

export function sessionCache(
  inner: BuildCacheIndex, imports: readonly { name: string; cache: ImportedCache }[], deps: ImportDeps, warn: (text: string) => void,
): SessionCache {
  const used: UsedKey[] = [];
  const fromImports = async (key: CacheKey): Promise<Digest | undefined> => {
    for (const imp of imports) {
      try {
        const id = await imp.cache.image(key, deps);
        if (id) return id;
      } catch (e) {
        warn(`[Warning] importing a cache record from ${imp.name}: ${(e as Error).message}\n`);
      }
    }
    return undefined;
  };
  const cache: BuildCacheIndex = {
    lookup: async (key) => {
      let id = await inner.lookup(key);
      if (!id && imports.length) {
        id = await fromImports(key);
        if (id) await inner.record(key, id);
      }
      if (id) used.push({ key, image: id });
      return id;
    },
    record: async (key, image) => {
      used.push({ key, image });
      await inner.record(key, image);
    },
    prune: () => inner.prune(),
    ...(inner.lastInputs && inner.rememberInputs
      ? { lastInputs: inner.lastInputs.bind(inner), rememberInputs: inner.rememberInputs.bind(inner) }
      : {}),
  };
  return { cache, used };
}
