/**
 * @module engine/images/list
 * GET /images/json as dockerd 20.10 answers it: newest first; intermediate images (untagged
 * with children) hidden unless `all`; dangling ones as `<none>:<none>`; filters `dangling`,
 * `label`, `before`, `since`, `reference` (Go path.Match on the familiar name or name:tag).
 */
import type { ImageSummary } from '../../api/types/images.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { rfc3339ToNanos } from '../../image/config.js';
import { familiarName, familiarString } from '../../image/reference.js';
import type { StoredImage } from '../../store/images/types.js';
import { pathMatch } from '../../util/path-match.js';
import type { ImageContext } from './context.js';
import type { ImageFilters } from './types.js';

const LIST_FILTERS = ['dangling', 'label', 'before', 'since', 'reference'];

export function checkFilters(filters: ImageFilters, allowed: readonly string[]): void {
  for (const k of filters.keys()) if (!allowed.includes(k)) throw new InvalidArgument(`Invalid filter '${k}'`);
}

/** `dangling` as a boolean; undefined when absent. */
export function danglingFilter(filters: ImageFilters): boolean | undefined {
  const v = filters.get('dangling');
  if (!v || v.length === 0) return undefined;
  const vals = new Set(v.map((x) => x.toLowerCase()));
  const t = vals.has('true') || vals.has('1');
  const f = vals.has('false') || vals.has('0');
  if ([...vals].some((x) => !['true', 'false', '1', '0'].includes(x)) || (t && f)) {
    throw new InvalidArgument(`Invalid filter 'dangling=[${v.join(' ')}]'`);
  }
  return t;
}

/** `label=key` or `label=key=value` against an image's labels: all must match. */
export function labelsMatch(filters: ImageFilters, labels: Record<string, string> | null | undefined): boolean {
  for (const want of filters.get('label') ?? []) {
    const eq = want.indexOf('=');
    const k = eq < 0 ? want : want.slice(0, eq);
    if (!labels || !(k in labels)) return false;
    if (eq >= 0 && labels[k] !== want.slice(eq + 1)) return false;
  }
  return true;
}

export function createdNanos(img: StoredImage): bigint {
  return rfc3339ToNanos(img.config.created);
}

export function summaryOf(ctx: ImageContext, img: StoredImage, repoTags: string[] | null, repoDigests: string[] | null): ImageSummary {
  const size = ctx.sizeOf(img);
  return {
    Containers: -1,
    Created: Number(createdNanos(img) / 1_000_000_000n),
    Id: img.record.id,
    Labels: img.config.config?.Labels ?? null,
    ParentId: img.record.parent ?? '',
    RepoDigests: repoDigests,
    RepoTags: repoTags,
    SharedSize: -1,
    Size: size,
    VirtualSize: size,
  };
}

export function listImages(ctx: ImageContext, opts: { all?: boolean; filters?: ImageFilters }): ImageSummary[] {
  const filters: ImageFilters = opts.filters ?? new Map();
  checkFilters(filters, LIST_FILTERS);
  const dangling = danglingFilter(filters);
  const refPatterns: string[] = filters.get('reference') ?? [];
  let before: bigint | undefined;
  let since: bigint | undefined;
  for (const b of filters.get('before') ?? []) before = createdNanos(ctx.resolve(b));
  for (const s of filters.get('since') ?? []) since = createdNanos(ctx.resolve(s));

  const imgs = ctx.images.list().sort((a, b) => {
    const d = createdNanos(b) - createdNanos(a);
    if (d !== 0n) return d > 0n ? 1 : -1;
    return a.record.added < b.record.added ? 1 : a.record.added > b.record.added ? -1 : 0;
  });
  const out: ImageSummary[] = [];
  for (const img of imgs) {
    const created = createdNanos(img);
    if (before !== undefined && created >= before) continue;
    if (since !== undefined && created <= since) continue;
    if (!labelsMatch(filters, img.config.config?.Labels)) continue;
    let tags: string[] | null = null;
    let digests: string[] | null = null;
    for (const r of ctx.refs.referencesOf(img.record.id)) {
      if (refPatterns.length && !refPatterns.some((p) => pathMatch(p, familiarString(r)) || pathMatch(p, familiarName(r)))) continue;
      if (r.digest !== undefined) (digests ??= []).push(familiarString(r));
      else if (r.tag !== undefined) (tags ??= []).push(familiarString(r));
    }
    if (tags === null && digests === null) {
      if (!opts.all && ctx.images.children(img.record.id).length > 0) continue;
      if (dangling === false || refPatterns.length) continue;
      tags = ['<none>:<none>'];
      digests = ['<none>@<none>'];
    } else if (dangling === true && tags !== null) continue;
    out.push(summaryOf(ctx, img, tags, digests));
  }
  return out;
}
