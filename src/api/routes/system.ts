/**
 * @module api/routes/system
 * /_ping, /version, /info.
 */
import type { SystemService } from '../../engine/types.js';
import type { Route } from '../router.js';

export function systemRoutes(system: SystemService): Route[] {
  const ping = (ctx: Parameters<Route['handler']>[0]) => {
    ctx.sendBytes(200, ctx.method === 'HEAD' ? '' : 'OK', 'text/plain; charset=utf-8', {
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
    });
  };
  return [
    { method: 'GET', path: '/_ping', handler: ping },
    { method: 'HEAD', path: '/_ping', handler: ping },
    { method: 'GET', path: '/version', handler: async (ctx) => ctx.send(200, await system.version()) },
    { method: 'GET', path: '/info', handler: async (ctx) => ctx.send(200, await system.info()) },
  ];
}
