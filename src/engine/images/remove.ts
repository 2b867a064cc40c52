/**
 * @module engine/images/remove
 * `rmi` (DELETE /images/{name}) and `image prune`, following dockerd 20.10's rules:
 * removing by name untags (and deletes only when no reference is left); removing by ID
 * untags everything when all references are in one repository, else needs force; an image
 * used by a container (409, hard for running ones) or with child images is not deleted;
 * untagged parents are pruned after a delete unless `noprune`. Deleting an image lists its
 * layers that no other image uses as `Deleted:` too.
 */
import type { DeleteItem, PruneReport } from '../../api/types/images.js';
import { Conflict, NotFound } from '../../errdefs/index.js';
import { shortId, type Digest } from '../../image/digest.js';
import { familiarString, parseNormalizedNamed, tagNameOnly, type Reference } from '../../image/reference.js';
import type { ImageContext } from './context.js';
import { checkFilters, danglingFilter } from './list.js';
import type { ImageFilters } from './types.js';
import { labelsPass, untilTime } from '../../util/until-time.js';

function isIdPrefix(id: Digest, name: string): boolean {
  return id.startsWith(name) || id.slice(7).startsWith(name);
}

function sameRepo(a: Reference, b: Reference): boolean {
  return a.domain === b.domain && a.path === b.path;
}

/** All references in one repository with at most one tag (Docker's isSingleReference). */
function isSingleReference(refs: Reference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: Reference | undefined;
  const canonical: Reference[] = [];
  for (const r of refs) {
    if (r.digest !== undefined) canonical.push(r);
    else if (single === undefined) single = r;
    else return false;
  }
  single ??= refs[0]!;
  const repos = new Set(canonical.map((r) => `${r.domain}/${r.path}`));
  return repos.size === 1 && repos.has(`${single.domain}/${single.path}`);
}

class DeleteConflict extends Conflict {
  readonly hard: boolean;
  readonly used: boolean;
  constructor(id: Digest, hard: boolean, used: boolean, what: string) {
    super(`conflict: unable to delete ${shortId(id)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${what}`);
    this.hard = hard;
    this.used = used;
  }
}

const HARD = 1;
const SOFT = 2;
const SOFT_NO_REFS = 4;

async function conflictOf(ctx: ImageContext, id: Digest, mask: number): Promise<DeleteConflict | undefined> {
  if (mask & HARD && ctx.images.children(id).length > 0) return new DeleteConflict(id, true, false, 'image has dependent child images');
  const use = mask & (HARD | SOFT) ? await ctx.isImageInUse(id) : undefined;
  if (mask & HARD && use?.running) {
    return new DeleteConflict(id, true, true, `image is being used by running container ${shortId(use.containerId)}`);
  }
  if (mask & SOFT && !(mask & SOFT_NO_REFS) && ctx.refs.referencesOf(id).length > 0) {
    return new DeleteConflict(id, false, false, 'image is referenced in multiple repositories');
  }
  if (mask & SOFT && use && !use.running) {
    return new DeleteConflict(id, false, true, `image is being used by stopped container ${shortId(use.containerId)}`);
  }
  return undefined;
}

/**
 * Items dockerd logs no event for: digest references that went with the repository's last tag
 * (no `untag`), and the layers an image's deletion released (no `delete`: only the image has one).
 */
export const unannounced = new WeakSet<DeleteItem>();

/** Removes layers the deleted image held that nothing else uses; returns their chain IDs. */
async function releaseLayers(ctx: ImageContext, chains: Digest[]): Promise<Digest[]> {
  const used = new Set<Digest>();
  for (const img of ctx.images.list()) for (const c of img.chainIds) used.add(c);
  const removed: Digest[] = [];
  for (const c of [...chains].reverse()) {
    if (used.has(c) || ctx.layers.isHeld(c) || !ctx.layers.has(c)) break;
    await ctx.layers.remove(c);
    removed.push(c);
  }
  return removed;
}

async function deleteHelper(ctx: ImageContext, id: Digest, out: DeleteItem[], force: boolean, prune: boolean, quiet: boolean): Promise<void> {
  const conflict = await conflictOf(ctx, id, force ? HARD : HARD | SOFT);
  if (conflict) {
    if (quiet && (!ctx.isDangling(id) || conflict.used)) return;
    throw conflict;
  }
  const img = ctx.images.get(id)!;
  const parent = img.record.parent;
  for (const r of await ctx.refs.deleteAll(id)) out.push({ Untagged: familiarString(r) });
  await ctx.images.delete(id);
  out.push({ Deleted: id });
  for (const c of await releaseLayers(ctx, img.chainIds)) {
    const item = { Deleted: c };
    unannounced.add(item);
    out.push(item);
  }
  if (prune && parent && ctx.images.get(parent)) await deleteHelper(ctx, parent, out, false, true, true);
}

export async function removeImage(ctx: ImageContext, name: string, force: boolean, prune: boolean): Promise<DeleteItem[]> {
  return ctx.lock.run(async () => {
    const img = ctx.resolve(name);
    const id = img.record.id;
    const out: DeleteItem[] = [];
    let refs = ctx.refs.referencesOf(id);
    let removedRef = false;
    if (!isIdPrefix(id, name)) {
      if (!force && isSingleReference(refs)) {
        const use = await ctx.isImageInUse(id);
        if (use) {
          throw new Conflict(
            `conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(use.containerId)} is using its referenced image ${shortId(id)}`,
          );
        }
      }
      let ref = tagNameOnly(parseNormalizedNamed(name));
      if (ref.tag !== undefined && ref.digest !== undefined) ref = { domain: ref.domain, path: ref.path, digest: ref.digest };
      if (!(await ctx.refs.delete(ref))) throw new NotFound(`No such image: ${familiarString(ref)}`);
      out.push({ Untagged: familiarString(ref) });
      refs = ctx.refs.referencesOf(id);
      if (ref.digest === undefined && !refs.some((r) => r.digest === undefined && sameRepo(r, ref))) {
        // The last tag of the repository went: its digest references go too.
        const keep: Reference[] = [];
        for (const r of refs) {
          if (r.digest !== undefined && sameRepo(r, ref)) {
            await ctx.refs.delete(r);
            const item = { Untagged: familiarString(r) };
            unannounced.add(item);
            out.push(item);
          } else keep.push(r);
        }
        refs = keep;
      }
      if (refs.length > 0) return out;
      removedRef = true;
    } else if (isSingleReference(refs)) {
      const conflict = await conflictOf(ctx, id, force ? HARD : HARD | SOFT | SOFT_NO_REFS);
      if (conflict) throw conflict;
      for (const r of refs) {
        await ctx.refs.delete(r);
        out.push({ Untagged: familiarString(r) });
      }
    }
    await deleteHelper(ctx, id, out, force, prune, removedRef);
    return out;
  });
}

const PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'];


/** `onRemove` hears each removal the prune made: the image named and what went (for its events). */
export async function pruneImages(ctx: ImageContext, filters: ImageFilters, onRemove?: (id: Digest, items: DeleteItem[]) => void): Promise<PruneReport> {
  checkFilters(filters, PRUNE_FILTERS);
  const danglingOnly = danglingFilter(filters) ?? true;
  const until = filters.get('until')?.[0];
  const untilMs = until === undefined ? undefined : untilTime(until);
  // What the prune frees on disk: each removed layer's files and each removed image's config
  // (Docker counts layers only, so pruning thousands of layerless build steps read 0 B).
  const sizes = new Map<string, number>(ctx.layers.list().map((l) => [l.chainId as string, l.size]));
  for (const img of ctx.images.list()) sizes.set(img.record.id, img.configBytes.length);
  const deleted: DeleteItem[] = [];
  const candidates = ctx.images.list().filter((img) => {
    const id = img.record.id;
    if (danglingOnly && ctx.images.children(id).length > 0) return false;
    if (ctx.refs.referencesOf(id).length === 0 && ctx.images.children(id).length > 0) return false;
    if (untilMs !== undefined && Date.parse(img.config.created ?? '') > untilMs) return false;
    return labelsPass(filters, img.config.config?.Labels);
  });
  for (const img of candidates) {
    const id = img.record.id;
    if (!ctx.images.get(id)) continue;
    const refs = ctx.refs.referencesOf(id);
    const names = refs.length
      ? !danglingOnly || !refs.some((r) => r.tag !== undefined)
        ? refs.map(familiarString)
        : []
      : [id.slice(7)];
    for (const n of names) {
      try {
        const items = await removeImage(ctx, n, false, true);
        onRemove?.(id, items);
        deleted.push(...items);
      } catch (e) {
        if (!(e instanceof Conflict) && !(e instanceof NotFound)) throw e;
      }
    }
  }
  let reclaimed = 0;
  for (const d of deleted) if ('Deleted' in d) reclaimed += sizes.get(d.Deleted) ?? 0;
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}
