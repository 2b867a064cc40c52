/**
 * @module engine/build/remote-cache/registry-cache
 * A build cache in a registry repository: the cache manifest under the reference's tag (an OCI
 * image index, as BuildKit's `type=registry` cache), the blobs in the repository. Layers go as
 * a push sends them (distribution/push.ts): a blob the repository already has is kept, one in
 * another repository of the registry mounted, others compressed and uploaded; so the cache
 * shares its layer blobs with the images pushed there. Credentials are the caller's, for the
 * reference's registry (the `X-Registry-Config` of the build).
 */
import { InvalidArgument, NotFound } from '../../../errdefs/index.js';
import { digestOf, type Digest } from '../../../image/digest.js';
import { parseNormalizedNamed, type Reference } from '../../../image/reference.js';
import type { AuthConfig } from '../../../registry/types.js';
import type { DistributionDeps } from '../../distribution/context.js';
import { pushLayer } from '../../distribution/push.js';
import type { CacheSink, CacheSource } from './types.js';

export function registryCache(d: DistributionDeps, name: string, auth: AuthConfig | undefined, write: boolean): CacheSource & CacheSink {
  let ref: Reference;
  try {
    ref = parseNormalizedNamed(name);
  } catch (e) {
    throw new InvalidArgument((e as Error).message, { cause: e });
  }
  const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
  const repo = d.registry.repository(ref.domain, ref.path, auth, write ? ['pull', 'push'] : ['pull']);
  return {
    name,
    manifest: async () => {
      try {
        const m = await repo.getManifest(tagOrDigest);
        return { bytes: m.bytes, mediaType: m.mediaType };
      } catch (e) {
        if (e instanceof NotFound) return undefined;
        throw e;
      }
    },
    readBlob: (desc) => repo.readBlob(desc),
    openBlob: (desc) => repo.openBlob(desc).body,
    putLayer: (layer) => pushLayer(d, repo, { domain: ref.domain, path: ref.path, tag: tagOrDigest }, layer, () => {}),
    putBlob: async (bytes) => {
      const digest: Digest = digestOf(bytes);
      if ((await repo.statBlob(digest)) === undefined) {
        await repo.uploadBlob(async function* () {
          yield bytes;
        }, { expected: digest, size: bytes.length });
      }
      return digest;
    },
    putManifest: async (bytes, mediaType) => {
      await repo.putManifest(tagOrDigest, mediaType, bytes);
    },
  };
}
