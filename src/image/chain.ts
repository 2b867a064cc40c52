/**
 * @module image/chain
 * Chain IDs as the OCI image spec defines them: the chain ID of the first layer is its diffID,
 * and each next one is sha256 of "<parent chain ID> <diffID>". A chain ID names a layer
 * together with everything below it, so it is the key of an extracted layer directory.
 */
import { digestOf, type Digest } from './digest.js';

/** The chain ID of one layer on top of `parent` (null for a base layer). */
export function chainIdOf(parent: Digest | null, diffId: Digest): Digest {
  return parent === null ? diffId : digestOf(`${parent} ${diffId}`);
}

/** The chain IDs of every prefix of `diffIds`, base first. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  let parent: Digest | null = null;
  for (const d of diffIds) {
    parent = chainIdOf(parent, d);
    out.push(parent);
  }
  return out;
}

/** The chain ID of the whole stack, or null for an image without layers. */
export function topChainId(diffIds: readonly Digest[]): Digest | null {
  const all = chainIds(diffIds);
  return all.length ? all[all.length - 1]! : null;
}
