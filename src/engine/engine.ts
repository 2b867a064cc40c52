/**
 * @module engine/engine
 * The set of services the API serves; `daemon/wire.ts` builds it. Each area adds its service
 * here as one field.
 */
import type { BuildService } from './build/types.js';
import type { EventLog } from './events/event-log.js';
import type { DistributionService } from './distribution/types.js';
import type { ContainerIOService, ContainerService, ExecService } from './containers/types.js';
import type { ImageService } from './images/types.js';
import type { NetworkService } from './networks/types.js';
import type { SystemService } from './types.js';
import type { VolumeService } from './volumes/types.js';

export interface Engine {
  system: SystemService;
  images: ImageService;
  distribution: DistributionService;
  build: BuildService;
  containers: ContainerService;
  containerIO: ContainerIOService;
  execs: ExecService;
  volumes: VolumeService;
  networks: NetworkService;
  events: Pick<EventLog, 'subscribe'>;
}
