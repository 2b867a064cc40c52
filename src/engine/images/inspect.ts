/**
 * @module engine/images/inspect
 * GET /images/{name}/json and /images/{name}/history with dockerd 20.10's fields.
 */
import { join } from 'node:path';
import type { HistoryItem, ImageInspect } from '../../api/types/images.js';
import { DataLoss } from '../../errdefs/index.js';
import { emptyContainerConfig, normalizeContainerConfig, unixSeconds } from '../../image/config.js';
import { hexOf, type Digest } from '../../image/digest.js';
import type { StoredImage } from '../../store/images/types.js';
import type { ImageContext } from './context.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

function graphDriver(ctx: ImageContext, img: StoredImage): ImageInspect['GraphDriver'] {
  if (img.topChainId === null) return { Data: null, Name: 'overlay2' };
  const top = img.topChainId;
  const dir = join(ctx.layers.root, hexOf(top));
  const data: Record<string, string> = {};
  const lowers = ctx.layers.ancestry(top).slice(0, -1).reverse().map((l) => ctx.layers.diffPath(l.chainId));
  if (lowers.length) data.LowerDir = lowers.join(':');
  data.MergedDir = join(dir, 'merged');
  data.UpperDir = ctx.layers.diffPath(top);
  data.WorkDir = join(dir, 'work');
  return { Data: data, Name: 'overlay2' };
}

export function inspectImage(ctx: ImageContext, name: string): ImageInspect {
  const img = ctx.resolve(name);
  const c = img.config;
  const { tags, digests } = ctx.namesOf(img.record.id);
  const size = ctx.sizeOf(img);
  const out: ImageInspect = {
    Id: img.record.id,
    RepoTags: tags,
    RepoDigests: digests,
    Parent: img.record.parent ?? '',
    Comment: c.comment ?? '',
    Created: c.created ?? ZERO_TIME,
    Container: c.container ?? '',
    ContainerConfig: normalizeContainerConfig(c.container_config ?? emptyContainerConfig()) as unknown as Record<string, unknown>,
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: c.config ? (normalizeContainerConfig(c.config) as unknown as Record<string, unknown>) : null,
    Architecture: c.architecture ?? '',
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os ?? '',
    ...(c['os.version'] ? { OsVersion: c['os.version'] } : {}),
    Size: size,
    VirtualSize: size,
    GraphDriver: graphDriver(ctx, img),
    RootFS: { Type: c.rootfs.type, ...(c.rootfs.diff_ids.length ? { Layers: [...c.rootfs.diff_ids] } : {}) },
    Metadata: { LastTagTime: img.record.lastTagTime ?? ZERO_TIME },
  };
  return out;
}

export function imageHistory(ctx: ImageContext, name: string): HistoryItem[] {
  const img = ctx.resolve(name);
  const out: HistoryItem[] = [];
  let layer = 0;
  for (const h of img.config.history ?? []) {
    let size = 0;
    if (!h.empty_layer) {
      const chain = img.chainIds[layer];
      if (chain === undefined) throw new DataLoss(`image ${img.record.id}: too many non-empty layers in History section`);
      size = ctx.layers.get(chain)?.size ?? 0;
      layer++;
    }
    out.unshift({ Comment: h.comment ?? '', Created: unixSeconds(h.created), CreatedBy: h.created_by ?? '', Id: '<missing>', Size: size, Tags: null });
  }
  // Fill in IDs and tags along the parent chain that is present: each image beside the
  // history entry it ends at. A build adds one entry per image, so this is Docker's one ID per
  // row; an image that adds several (a folded run of config-only steps, builder/solver/fold.ts)
  // leaves the entries before its own as <missing> rather than naming its parent beside them.
  let id: Digest | undefined = img.record.id;
  let prev = -1;
  while (id) {
    const cur = ctx.images.get(id);
    if (!cur) break;
    const ends = cur.config.history?.length;
    // Without history of its own (or an inconsistent one), fall back to the next row.
    const row = ends !== undefined && ends > 0 && out.length - ends > prev ? out.length - ends : prev + 1;
    const item = out[row];
    if (!item) break;
    item.Id = id;
    const { tags } = ctx.namesOf(id);
    item.Tags = tags.length ? tags : null;
    prev = row;
    id = cur.record.parent;
  }
  return out;
}
