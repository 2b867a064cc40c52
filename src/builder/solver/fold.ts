/**
 * @module builder/solver/fold
 * Long runs of config-only steps (ENV, LABEL, CMD, …) fold into one image, so a Dockerfile of
 * N such steps costs O(N), not O(N²). Docker's legacy builder commits an image per step, and
 * every image's config carries the whole Env and history so far: 4,000 ENV lines write and
 * hold 4,000 configs of up to 4,000 entries each.
 *
 * berth commits the first {@link FOLD_AFTER} config-only steps of a run as Docker does (so
 * ordinary Dockerfiles print and store exactly what Docker's do). Past that, a step is
 * *folded*: its change goes into the stage's run config and its history entry is kept in
 * memory; no image is written and no ` ---> <id>` printed for it. The run's last step
 * commits one image carrying every folded history entry (`empty_layer`), whose parent is the
 * run's last committed image: that image and the steps before it keep their IDs.
 *
 * The cache key of a folded step chains from the key before it (which covers the run's
 * start, its config included), so the keys cost O(1) each. Each folded key is recorded for
 * the image the run commits; on a rebuild a folded hit takes its history entry from that
 * image, and when the run's last step hits too the stage moves to it unchanged.
 */
import { NotFound } from '../../errdefs/index.js';
import { type HistoryEntry, nowRfc3339Nano } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import { cacheKey, type CacheKey } from '../cache-key.js';
import { childImageConfig } from './commit.js';
import { copyRunConfig, withCmdComment, type StageState } from './state.js';
import type { StepContext } from './step-context.js';

/** Config-only steps in a row committed one by one before the rest of the run folds. */
export const FOLD_AFTER = 32;

/** A folded step, waiting for the run's commit. */
export interface FoldedStep {
  key: CacheKey;
  /** Docker's commit comment (`ENV A=1`) and the step's container ID. */
  comment: string;
  containerId: string;
  entry: HistoryEntry;
  /** The image the key was recorded for, on a cache hit. */
  cached?: Digest;
}

/** Whether the next config-only step of `state` folds. */
export function folds(state: StageState): boolean {
  return state.configRun > FOLD_AFTER;
}

/** The key of a folded step: chained from the previous key of the run. */
export function foldedKey(state: StageState, first: () => CacheKey, instruction: string, args: [string, string][]): CacheKey {
  const prev = state.folded.at(-1)?.key;
  if (!prev) return first();
  return cacheKey({ parent: prev.digest, instruction, args, sources: [], config: 'folded', extra: [] });
}

/**
 * Records a folded step: a cache hit takes its history entry from the image the key was
 * recorded for; a miss makes a new one.
 */
export async function foldStep(ctx: StepContext, state: StageState, key: CacheKey, comment: string, containerId: string): Promise<boolean> {
  const run = ctx.run;
  const createdBy = [...state.shell(), '#(nop) ', comment].join(' ');
  if (!run.options.noCache) {
    const id = await run.backend.cache.lookup(key);
    const img = id ? run.backend.images.get(id) : undefined;
    const entry = img?.config.history?.[(state.image?.history?.length ?? 0) + state.folded.length];
    if (id && entry && entry.created_by === createdBy) {
      await ctx.explain?.(key, true);
      state.folded.push({ key, comment, containerId, entry, cached: id });
      ctx.emit({ kind: 'cached' });
      return true;
    }
  }
  await ctx.explain?.(key, false);
  state.folded.push({
    key,
    comment,
    containerId,
    entry: { created: nowRfc3339Nano(), ...(state.maintainer ? { author: state.maintainer } : {}), created_by: createdBy, empty_layer: true },
  });
  return false;
}

/**
 * Ends a run of folded steps: the stage moves to the cached image when every step hit, else
 * one image is committed with all their history entries and every key recorded for it.
 */
export async function commitFolded(ctx: StepContext, state: StageState): Promise<void> {
  const steps = state.folded;
  if (steps.length === 0) return;
  const run = ctx.run;
  const last = steps[steps.length - 1]!;
  // Every step hit, and the cached image ends at this step (an earlier build's run may have
  // gone on past it): the stage moves to that image.
  const ends = (id: string) => run.backend.images.get(id as Digest)?.config.history?.length === (state.image?.history?.length ?? 0) + steps.length;
  if (last.cached && steps.every((s) => s.cached === last.cached) && ends(last.cached)) {
    const img = run.backend.images.get(last.cached);
    if (!img) throw new NotFound(`No such image: ${last.cached}`);
    state.imageId = img.record.id;
    state.image = img.config;
    state.folded = [];
    return;
  }
  const containerId = last.containerId;
  const cc = withCmdComment(state, last.comment);
  cc.Hostname = containerId.slice(0, 12);
  cc.Labels ??= {};
  const config = childImageConfig(state.image, {
    containerId,
    containerConfig: cc,
    config: copyRunConfig(state.runConfig),
    author: state.maintainer,
    diffId: null,
    earlier: steps.slice(0, -1).map((s) => s.entry),
  });
  const img = await run.backend.images.create(config, state.imageId || undefined);
  state.imageId = img.record.id;
  state.image = img.config;
  state.folded = [];
  // One small file per key: written a few at a time rather than one after the other.
  for (let i = 0; i < steps.length; i += 32) {
    await Promise.all(steps.slice(i, i + 32).map((s) => run.backend.cache.record(s.key, img.record.id)));
  }
}

