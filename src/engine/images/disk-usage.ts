/**
 * @module engine/images/disk-usage
 * The image part of GET /system/df: every layer's size once (LayersSize), and per image its
 * total size, the part shared with other images, and how many containers use it.
 */
import type { DiskUsage, ImageSummary } from '../../api/types/images.js';
import type { Digest } from '../../image/digest.js';
import type { ImageContext } from './context.js';
import { listImages } from './list.js';

export async function diskUsage(ctx: ImageContext): Promise<Pick<DiskUsage, 'LayersSize' | 'Images'>> {
  const users = new Map<Digest, number>();
  for (const img of ctx.images.list()) for (const c of img.chainIds) users.set(c, (users.get(c) ?? 0) + 1);
  let layersSize = 0;
  for (const l of ctx.layers.list()) layersSize += l.size;
  const images: ImageSummary[] = [];
  for (const s of listImages(ctx, { all: true })) {
    const img = ctx.images.get(s.Id as Digest)!;
    let shared = 0;
    for (const c of img.chainIds) if ((users.get(c) ?? 0) > 1) shared += ctx.layers.get(c)?.size ?? 0;
    const containers = ctx.countContainers
      ? await ctx.countContainers(img.record.id)
      : (await ctx.isImageInUse(img.record.id)) ? 1 : 0;
    images.push({ ...s, Containers: containers, SharedSize: shared });
  }
  return { LayersSize: layersSize, Images: images };
}
