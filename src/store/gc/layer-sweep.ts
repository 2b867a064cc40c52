/**
 * @module store/gc/layer-sweep
 * Mark and sweep of layers: every layer of every stored image is marked (an image holds its
 * whole chain); every other layer is removed, top-most first so that no removal meets a layer
 * still sitting on the one removed. Run at start-up, when nothing holds a lease, to clear
 * layers left by an import, load or build that was interrupted.
 */
import type { Digest } from '../../image/digest.js';
import { logger } from '../../util/log.js';
import type { ImageReader } from '../images/types.js';
import type { LayerInfo } from '../layers/types.js';

const log = logger('gc');

/** What the sweep needs of the layer store. */
export interface SweepableLayers {
  list(): LayerInfo[];
  ancestry(chainId: Digest | null): LayerInfo[];
  remove(chainId: Digest): Promise<void>;
}

/** Removes every layer no image uses; returns the chain IDs removed, in removal order. */
export async function sweepLayers(images: Pick<ImageReader, 'list'>, layers: SweepableLayers): Promise<Digest[]> {
  const used = new Set<Digest>();
  for (const img of images.list()) for (const chain of img.chainIds) used.add(chain);
  const orphans = layers.list().filter((l) => !used.has(l.chainId));
  const depth = (d: Digest) => layers.ancestry(d).length;
  orphans.sort((a, b) => depth(b.chainId) - depth(a.chainId));
  const removed: Digest[] = [];
  for (const l of orphans) {
    log.info('removing a layer no image uses', { chainId: l.chainId });
    await layers.remove(l.chainId);
    removed.push(l.chainId);
  }
  return removed;
}
