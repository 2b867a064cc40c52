/**
 * @module api/routes/berth-images
 * berth's own image endpoints (extensions of the Engine API; Docker has none of them):
 * - `GET /images/{name}/rootfs`: the image's merged file system as one tar
 *   (`application/x-tar`), what `berth build --output` writes.
 */
import { pipeline } from 'node:stream/promises';
import type { BuildService } from '../../engine/build/types.js';
import type { Route } from '../router.js';

export function berthImageRoutes(build: BuildService): Route[] {
  return [
    { method: 'GET', path: '/images/{name*}/waste', handler: (ctx) => ctx.send(200, build.imageWaste(ctx.params.name!)) },
    {
      method: 'GET',
      path: '/images/{name*}/rootfs',
      handler: async (ctx) => {
        const tar = build.exportRootfs(ctx.params.name!);
        const out = ctx.startStream(200, 'application/x-tar');
        ctx.signal.addEventListener('abort', () => tar.destroy(), { once: true });
        await pipeline(tar, out);
      },
    },
  ];
}
