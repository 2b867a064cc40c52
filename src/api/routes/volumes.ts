/**
 * @module api/routes/volumes
 * Volume endpoints: list, create, inspect, remove, prune.
 */
import type { VolumeCreateRequest } from '../types/containers.js';
import type { VolumeService } from '../../engine/volumes/types.js';
import type { Route } from '../router.js';
import { volumeCreateSchema } from '../request-schemas.js';
import { compareVersions } from '../version.js';

/**
 * From API 1.42 on, a volume prune without `all=true` removes anonymous volumes only (docker
 * CLI 28's `volume prune` without `-a`); API 1.41 (dockerd 20.10) prunes every unused volume.
 */
export function volumePruneFilters(filters: Map<string, string[]>, apiVersion: string): Map<string, string[]> {
  if (filters.has('all') || compareVersions(apiVersion, '1.42') < 0) return filters;
  return new Map([...filters, ['all', ['false']]]);
}

export function volumeRoutes(volumes: VolumeService): Route[] {
  return [
    { method: 'GET', path: '/volumes', handler: async (ctx) => ctx.send(200, await volumes.list(ctx.query.filters())) },
    { method: 'POST', path: '/volumes/create', handler: async (ctx) => ctx.send(201, await volumes.create(await ctx.json<VolumeCreateRequest>(volumeCreateSchema))) },
    { method: 'POST', path: '/volumes/prune', handler: async (ctx) => ctx.send(200, await volumes.prune(volumePruneFilters(ctx.query.filters(), ctx.apiVersion))) },
    { method: 'GET', path: '/volumes/{name}', handler: async (ctx) => ctx.send(200, await volumes.inspect(ctx.params.name!)) },
    {
      method: 'DELETE',
      path: '/volumes/{name}',
      handler: async (ctx) => {
        await volumes.remove(ctx.params.name!, { force: ctx.query.bool('force') });
        ctx.noContent();
      },
    },
  ];
}
