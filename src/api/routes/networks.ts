/**
 * @module api/routes/networks
 * Network endpoints: list, inspect, create, remove, prune, connect, disconnect.
 */
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from '../types/networks.js';
import type { NetworkService } from '../../engine/networks/types.js';
import { networkConnectSchema, networkCreateSchema, networkDisconnectSchema } from '../request-schemas.js';
import type { Route } from '../router.js';

export function networkRoutes(networks: NetworkService): Route[] {
  return [
    { method: 'GET', path: '/networks', handler: async (ctx) => ctx.send(200, await networks.list(ctx.query.filters())) },
    { method: 'POST', path: '/networks/create', handler: async (ctx) => ctx.send(201, await networks.create(await ctx.json<NetworkCreateRequest>(networkCreateSchema))) },
    { method: 'POST', path: '/networks/prune', handler: async (ctx) => ctx.send(200, await networks.prune(ctx.query.filters())) },
    { method: 'GET', path: '/networks/{id}', handler: async (ctx) => ctx.send(200, await networks.inspect(ctx.params.id!)) },
    {
      method: 'DELETE',
      path: '/networks/{id}',
      handler: async (ctx) => {
        await networks.remove(ctx.params.id!);
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/connect',
      handler: async (ctx) => {
        const body = await ctx.json<NetworkConnectRequest>(networkConnectSchema);
        await networks.connect(ctx.params.id!, body?.Container ?? '', body?.EndpointConfig ?? {});
        ctx.send(200);
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/disconnect',
      handler: async (ctx) => {
        const body = await ctx.json<NetworkDisconnectRequest>(networkDisconnectSchema);
        await networks.disconnect(ctx.params.id!, body?.Container ?? '', !!body?.Force);
        ctx.send(200);
      },
    },
  ];
}
