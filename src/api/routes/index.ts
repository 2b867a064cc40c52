/**
 * @module api/routes
 * Every route of the Engine API, in match order. Each area adds its routes here.
 */
import type { Engine } from '../../engine/engine.js';
import type { Route } from '../router.js';
import { berthImageRoutes } from './berth-images.js';
import { buildRoutes } from './build.js';
import { distributionRoutes, pullHandler } from './distribution.js';
import { containerIoRoutes } from './containers-io.js';
import { containerRoutes } from './containers.js';
import { execRoutes } from './exec.js';
import { imageRoutes } from './images.js';
import { networkRoutes } from './networks.js';
import { systemRoutes } from './system.js';
import { volumeRoutes } from './volumes.js';
import { eventRoutes } from './events.js';

export function allRoutes(engine: Engine): Route[] {
  return [
    ...systemRoutes(engine.system),
    ...distributionRoutes(engine.distribution),
    ...berthImageRoutes(engine.build),
    ...imageRoutes(engine.images, { pull: pullHandler(engine.distribution), df: { containers: engine.containers, volumes: engine.volumes, build: engine.build } }),
    ...buildRoutes(engine.build),
    ...containerRoutes(engine.containers),
    ...containerIoRoutes(engine.containerIO),
    ...execRoutes(engine.execs),
    ...volumeRoutes(engine.volumes),
    ...networkRoutes(engine.networks),
    ...eventRoutes(engine.events),
  ];
}
