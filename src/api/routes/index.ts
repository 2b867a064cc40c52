/**
 * @module api/routes
 * Every route of the Engine API, in match order. Each area adds its routes here.
 */
import type { Engine } from '../../engine/engine.js';
import type { Route } from '../router.js';
import { buildRoutes } from './build.js';
import { imageRoutes } from './images.js';
import { systemRoutes } from './system.js';

export function allRoutes(engine: Engine): Route[] {
  return [
    ...systemRoutes(engine.system),
    ...imageRoutes(engine.images),
    ...buildRoutes(engine.build),
  ];
}
