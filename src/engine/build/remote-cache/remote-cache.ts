/**
 * @module engine/build/remote-cache/remote-cache
 * A build's `--cache-from` and `--cache-to`, as build-service.ts uses them: the imports are
 * read before the build (one that is missing or unreachable is a warning and the build goes
 * on without it, as with buildx), the exports written after it (a failure fails the build
 * unless `ignore-error=true`). Registry credentials are the build's (`X-Registry-Config`).
 */
import type { BuildCacheIndex, RegistryCredentials } from '../../../builder/types.js';
import { BerthError, Unavailable } from '../../../errdefs/index.js';
import { cacheSpecName, type CacheSpec } from '../../../image/cache-spec.js';
import type { Digest } from '../../../image/digest.js';
import type { ImageStore } from '../../../store/images/types.js';
import type { LayerStore } from '../../../store/layers/types.js';
import type { DistributionDeps } from '../../distribution/context.js';
import { credentialsFor } from '../backend.js';
import { exportCache, type UsedKey } from './export-cache.js';
import { ImportedCache } from './import-cache.js';
import { localCache } from './local-cache.js';
import { registryCache } from './registry-cache.js';
import { sessionCache, type SessionCache } from './session-cache.js';
import type { CacheSink, CacheSource } from './types.js';

export interface RemoteCacheDeps {
  images: ImageStore;
  layers: LayerStore;
  /** The registry client and blob map; absent: no registry caches. */
  distribution?: DistributionDeps;
}

function location(d: RemoteCacheDeps, spec: CacheSpec, auths: Record<string, RegistryCredentials>, write: boolean): CacheSource & CacheSink {
  if (spec.type === 'local') return localCache(spec.dir, d.layers, d.distribution?.blobMap);
  if (!d.distribution) throw new Unavailable('this berth daemon has no registry client');
  return registryCache(d.distribution, spec.ref, credentialsFor(auths, spec.ref), write);
}

/** Reads the `--cache-from` caches and gives the build's cache view over them. */
export async function openSession(
  d: RemoteCacheDeps, inner: BuildCacheIndex, from: readonly CacheSpec[], auths: Record<string, RegistryCredentials>, warn: (text: string) => void,
): Promise<SessionCache> {
  const imports: { name: string; cache: ImportedCache }[] = [];
  for (const spec of from) {
    const name = cacheSpecName(spec);
    try {
      const cache = await ImportedCache.load(location(d, spec, auths, false));
      if (cache) imports.push({ name, cache });
      else warn(`[Warning] no build cache found at ${name}; building without it\n`);
    } catch (e) {
      warn(`[Warning] cannot import the build cache from ${name}: ${(e as Error).message}; building without it\n`);
    }
  }
  return sessionCache(inner, imports, { images: d.images, layers: d.layers }, warn);
}

/** Writes the build's records to each `--cache-to`. */
export async function exportSession(
  d: RemoteCacheDeps, to: readonly CacheSpec[], used: readonly UsedKey[], result: Digest, auths: Record<string, RegistryCredentials>,
  warn: (text: string) => void,
): Promise<void> {
  for (const spec of to) {
    const name = cacheSpecName(spec);
    try {
      await exportCache(d.images, d.layers, location(d, spec, auths, true), used, result, spec.mode);
    } catch (e) {
      const text = `exporting the build cache to ${name}: ${(e as Error).message}`;
      if (spec.ignoreError) {
        warn(`[Warning] ${text}\n`);
        continue;
      }
      const Cls = e instanceof BerthError ? (e.constructor as new (m: string, o?: { cause?: unknown }) => BerthError) : Unavailable;
      throw new Cls(text, { cause: e });
    }
  }
}
