/**
 * @module engine/build/cache-usage
 * The build cache as `system df` and `builder prune` see it. berth's cache is legacy-builder
 * style: each step's result is an image (listed by `images -a`), and the cache index maps a
 * step's key to it. A cache record is one BuildCache object: `Size` is the layer its step added
 * (0 for a metadata step), and it is `Shared` when its image is also kept by something else (a
 * tag, a child image, a container), since those bytes then belong to the images. It is `InUse`
 * while a running build uses its image (build-holds.ts); prune leaves such records and images.
 *
 * Prune (dockerd's BuildKit filters: until, id, parent, type, description, inuse, shared,
 * private; `all`; `keep-storage`) forgets the records it selects, so the next build of those
 * steps runs them again. As with BuildKit, `all` adds only internal and frontend records,
 * which berth's cache has none of: every record is a step's `regular` result. An image that only pruned
 * records kept (untagged, no children, no container) is removed too, with its untagged parents,
 * as `rmi` does; nothing an image or container uses is touched. Images go first, records
 * after: a crash in between leaves records of missing images, which are misses and dropped at
 * start-up.
 */
import { createHash } from 'node:crypto';
import type { BuildCacheWire, BuildPruneReport } from '../../api/types/build.js';
import type { BuildCacheEntry, BuildCacheRecords } from '../../builder/types.js';
import { Conflict, InvalidArgument, NotFound } from '../../errdefs/index.js';
import { hexOf, type Digest } from '../../image/digest.js';
import { untilTime } from '../../util/until-time.js';
import type { ImageContext } from '../images/context.js';
import { removeImage } from '../images/remove.js';
import type { BuildHolds } from './build-holds.js';

export interface BuildPruneOptions {
  all: boolean;
  /** Bytes of cache to keep (the least recently used records go first); 0: no limit. */
  keepStorage: number;
  filters: Map<string, string[]>;
}

// dockerd also takes `label`/`label!` here (system prune passes them on): records carry no
// labels, so `label=` selects none and `label!=` every one.
const FILTERS = ['until', 'unused-for', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private', 'label', 'label!'];

/** What selection sees of a record (`entry`) or of a RUN cache mount (`mount`, its id). */
export interface CacheItem {
  wire: BuildCacheWire;
  entry?: BuildCacheEntry;
  mount?: string;
}

/** The RUN --mount=type=cache directories, as the builder's CacheMountStore keeps them. */
export interface CacheMounts {
  list(): Promise<{ id: string; size: number; created: string; lastUsed: string; inUse: boolean }[]>;
  remove(filter?: (c: { id: string }) => boolean): Promise<{ id: string; size: number }[]>;
}

function boolOf(k: string, v: string | undefined): boolean {
  if (v === undefined || v === '' || v === '1' || v.toLowerCase() === 'true') return true;
  if (v === '0' || v.toLowerCase() === 'false') return false;
  throw new InvalidArgument(`failed to prune build cache: invalid filter '${k}=${v}'`);
}

function idMatches(id: string, pattern: string): boolean {
  try {
    return new RegExp(pattern).test(id);
  } catch {
    return id.includes(pattern);
  }
}

/** Checks the filters' names and values (dockerd: one value each); throws InvalidArgument. */
export function checkPruneFilters(filters: Map<string, string[]>): void {
  for (const [k, v] of filters) {
    if (!FILTERS.includes(k)) throw new InvalidArgument(`failed to prune build cache: Invalid filter '${k}'`);
    if (v.length > 1 && k !== 'label' && k !== 'label!') throw new InvalidArgument(`failed to prune build cache: filters expect only one value`);
  }
  if (filters.has('until') && filters.has('unused-for')) throw new InvalidArgument('failed to prune build cache: conflicting filters: "until" and "unused-for"');
}

/**
 * The records a prune removes, in the order it removes them: pure, given each record's wire
 * form. `keepStorage` keeps the most recently used records whose sizes fit.
 */
export function selectForPrune(items: CacheItem[], opts: BuildPruneOptions, now = Date.now()): CacheItem[] {
  checkPruneFilters(opts.filters);
  const one = (k: string) => opts.filters.get(k)?.[0];
  const untilV = one('until') ?? one('unused-for');
  const before = untilV === undefined ? undefined : untilTime(untilV, now);
  const lastUsed = (w: BuildCacheWire) => Date.parse(w.LastUsedAt ?? w.CreatedAt);
  let picked = items.filter(({ wire: w }) => {
    if (w.InUse || opts.filters.has('label')) return false;
    // BuildKit's "dangling" cache: every record but its internal and frontend ones.
    if (!opts.all && (w.Type === 'internal' || w.Type === 'frontend')) return false;
    if (before !== undefined && !(lastUsed(w) < before)) return false;
    const id = one('id');
    if (id !== undefined && !idMatches(w.ID, id)) return false;
    if (opts.filters.has('parent') && w.Parent !== one('parent')) return false;
    if (opts.filters.has('type') && w.Type !== one('type')) return false;
    if (opts.filters.has('description') && w.Description !== one('description')) return false;
    if (opts.filters.has('inuse') && w.InUse !== boolOf('inuse', one('inuse'))) return false;
    if (opts.filters.has('shared') && w.Shared !== boolOf('shared', one('shared'))) return false;
    if (opts.filters.has('private') && w.Shared === boolOf('private', one('private'))) return false;
    return true;
  });
  picked.sort((a, b) => lastUsed(a.wire) - lastUsed(b.wire) || a.wire.ID.localeCompare(b.wire.ID));
  if (opts.keepStorage > 0) {
    let total = items.filter((i) => !i.wire.Shared).reduce((s, i) => s + i.wire.Size, 0);
    const out: CacheItem[] = [];
    for (const i of picked) {
      if (total <= opts.keepStorage) break;
      out.push(i);
      if (!i.wire.Shared) total -= i.wire.Size;
    }
    picked = out;
  }
  return picked;
}

/** The step as its history shows it: `RUN ["/bin/sh","-c","make"]` → `RUN /bin/sh -c make`. */
export function describe(instruction: string): string {
  const m = /^RUN (\[.*\])$/s.exec(instruction);
  if (!m) return instruction;
  try {
    const argv = JSON.parse(m[1]!) as unknown;
    return Array.isArray(argv) && argv.every((a) => typeof a === 'string') ? `RUN ${argv.join(' ')}` : instruction;
  } catch {
    return instruction;
  }
}

export class BuildCacheUsage {
  readonly #records: BuildCacheRecords;
  readonly #images: ImageContext;
  readonly #mounts: CacheMounts | undefined;
  readonly #holds: Pick<BuildHolds, 'has'> | undefined;

  /** @param holds the images running builds use: their records are InUse and stay */
  constructor(records: BuildCacheRecords, images: ImageContext, mounts?: CacheMounts, holds?: Pick<BuildHolds, 'has'>) {
    this.#records = records;
    this.#images = images;
    this.#mounts = mounts;
    this.#holds = holds;
  }

  /** Whether something besides the cache keeps `id`: a reference, a child image or a container. */
  async #kept(id: Digest): Promise<boolean> {
    const ctx = this.#images;
    return ctx.refs.referencesOf(id).length > 0 || ctx.images.children(id).length > 0 || (await ctx.isImageInUse(id)) !== undefined;
  }

  /** Whether a running build uses `id`. */
  #inUse(id: Digest): boolean {
    return this.#holds?.has(id) ?? false;
  }

  async #items(): Promise<CacheItem[]> {
    const ctx = this.#images;
    const entries = await this.#records.list();
    const keys = new Set(entries.map((e) => e.key as string));
    const byImage = new Map<string, string>();
    for (const e of [...entries].sort((a, b) => a.key.localeCompare(b.key))) if (!byImage.has(e.image)) byImage.set(e.image, e.key);
    const kept = new Map<string, boolean>();
    const items: CacheItem[] = [];
    for (const e of entries) {
      const img = ctx.images.get(e.image);
      if (!img) continue;
      if (!kept.has(e.image)) kept.set(e.image, await this.#kept(e.image));
      const parentImg = img.record.parent ? ctx.images.get(img.record.parent) : undefined;
      const own = img.chainIds.length > (parentImg?.chainIds.length ?? 0) ? img.chainIds.at(-1) : undefined;
      const parent = keys.has(e.parts.parent) ? e.parts.parent : byImage.get(e.parts.parent);
      items.push({
        entry: e,
        wire: {
          ID: hexOf(e.key),
          Parent: parent ? hexOf(parent as Digest) : '',
          Type: 'regular',
          Description: describe(e.parts.instruction),
          InUse: this.#inUse(e.image),
          Shared: kept.get(e.image)!,
          Size: own ? (ctx.layers.get(own)?.size ?? 0) : 0,
          CreatedAt: e.created,
          LastUsedAt: e.lastUsed ?? null,
          UsageCount: e.usage,
        },
      });
    }
    // Cache mounts as BuildKit lists them: type exec.cachemount, never shared.
    for (const m of (await this.#mounts?.list()) ?? []) {
      items.push({
        mount: m.id,
        wire: {
          ID: createHash('sha256').update(`cachemount:${m.id}`).digest('hex'),
          Parent: '',
          Type: 'exec.cachemount',
          Description: `cached mount ${m.id}`,
          InUse: m.inUse,
          Shared: false,
          Size: m.size,
          CreatedAt: m.created,
          LastUsedAt: m.lastUsed,
          UsageCount: 0,
        },
      });
    }
    return items.sort((a, b) => a.wire.CreatedAt.localeCompare(b.wire.CreatedAt) || a.wire.ID.localeCompare(b.wire.ID));
  }

  /** GET /system/df's BuildCache. */
  async list(): Promise<BuildCacheWire[]> {
    return (await this.#items()).map((i) => i.wire);
  }

  async prune(opts: BuildPruneOptions): Promise<BuildPruneReport> {
    const items = await this.#items();
    const picked = selectForPrune(items, opts);
    const ctx = this.#images;
    const pickedKeys = new Set(picked.flatMap((i) => (i.entry ? [i.entry.key as string] : [])));
    // An image goes only when every record naming it goes and nothing else keeps it.
    const images = new Set<Digest>();
    for (const i of picked) {
      if (!i.entry || i.wire.Shared) continue;
      const image = i.entry.image;
      if (items.some((o) => o.entry && o.entry.image === image && !pickedKeys.has(o.entry.key))) continue;
      images.add(image);
    }
    const sizes = new Map<string, number>(ctx.layers.list().map((l) => [l.chainId as string, l.size]));
    let reclaimed = 0;
    for (const id of images) {
      // A build may have taken the image up since the selection: held images stay.
      if (!ctx.images.get(id) || this.#inUse(id) || (await this.#kept(id))) continue;
      try {
        for (const d of await removeImage(ctx, id.slice(7), false, true)) if ('Deleted' in d) reclaimed += sizes.get(d.Deleted) ?? 0;
      } catch (e) {
        if (!(e instanceof Conflict) && !(e instanceof NotFound)) throw e;
      }
    }
    const deleted: string[] = [];
    // With the picked records go those of images the removals took along (untagged parents).
    for (const i of items) {
      if (!i.entry || (!pickedKeys.has(i.entry.key) && ctx.images.get(i.entry.image))) continue;
      if (await this.#records.remove(i.entry.key)) deleted.push(i.wire.ID);
    }
    // Cache mounts a running build uses stay (the store checks again as it deletes).
    const mountIds = new Map(picked.flatMap((i) => (i.mount !== undefined ? [[i.mount, i.wire.ID] as const] : [])));
    if (mountIds.size && this.#mounts) {
      for (const m of await this.#mounts.remove((c) => mountIds.has(c.id))) {
        deleted.push(mountIds.get(m.id)!);
        reclaimed += m.size;
      }
    }
    return { CachesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }
}
