/**
 * @module builder/solver/probe-commit
 * The two ends of every step: probing the cache (a hit prints ` ---> Using cache` and moves the
 * stage to the cached image) and committing the step's image (new layer or none, history,
 * parent link) and recording it under the step's cache key.
 */
import { NotFound } from '../../errdefs/index.js';
import { encodeImageConfig, type ContainerConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import type { LayerInfo } from '../../store/layers/types.js';
import { cacheKey, configDigest, type CacheKey, type CacheKeyParts } from '../cache-key.js';
import { childImageConfig } from './commit.js';
import { copyRunConfig, type StageState } from './state.js';
import type { StepContext } from './step-context.js';

/** The key of a step of `state` (parent and resulting config filled in). */
export function stepKey(state: StageState, p: Pick<CacheKeyParts, 'instruction'> & Partial<CacheKeyParts>): CacheKey {
  return cacheKey({
    parent: state.imageId,
    instruction: p.instruction,
    args: p.args ?? [],
    sources: p.sources ?? [],
    config: configDigest(encodeImageConfig({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] }, config: state.runConfig })),
    extra: p.extra ?? [],
  });
}

/**
 * Looks the key up (unless --no-cache); on a hit moves the stage to the cached image. With
 * Docker's legacy `--cache-from` images, a local hit must be one of their ancestors, and a
 * miss asks them (by `probe`, the config whose Cmd the step's history entry records).
 */
export async function probeCache(ctx: StepContext, state: StageState, key: CacheKey, probe?: ContainerConfig): Promise<boolean> {
  const run = ctx.run;
  const images = run.backend.images;
  let id = run.options.noCache ? undefined : await run.backend.cache.lookup(key);
  const legacy = run.legacySources;
  if (legacy) {
    if (id && !legacy.allowsLocalHit(id, images)) id = undefined;
    if (!id && probe) id = await legacy.match(state.imageId ? images.get(state.imageId) : undefined, probe, images);
  }
  const img = id ? images.get(id) : undefined;
  await ctx.explain?.(key, img !== undefined);
  if (!id || !img) return false;
  ctx.emit({ kind: 'cached' });
  state.imageId = id;
  state.image = img.config;
  return true;
}

export interface CommitInput {
  containerId: string;
  containerConfig: ContainerConfig;
  /** The new layer (already registered on the parent's top layer), or null for none. */
  layer: LayerInfo | null;
  key: CacheKey;
}

/** The top layer chain of the stage's current image (null for none). */
export function topChain(ctx: StepContext, state: StageState): Digest | null {
  if (!state.imageId) return null;
  const img = ctx.run.backend.images.get(state.imageId);
  if (!img) throw new NotFound(`No such image: ${state.imageId}`);
  return img.topChainId;
}

/** Stores the step's image with the stage's current image as parent, and records the key. */
export async function commitStep(ctx: StepContext, state: StageState, c: CommitInput): Promise<Digest> {
  const run = ctx.run;
  const config = childImageConfig(state.image, {
    containerId: c.containerId,
    containerConfig: c.containerConfig,
    config: copyRunConfig(state.runConfig),
    author: state.maintainer,
    diffId: c.layer ? c.layer.diffId : null,
  });
  const img = await run.backend.images.create(config, state.imageId || undefined);
  state.imageId = img.record.id;
  state.image = img.config;
  await run.backend.cache.record(c.key, img.record.id);
  return img.record.id;
}
