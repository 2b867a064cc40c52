/**
 * @module bench/workloads
 * Every benchmark workload, in run order. Each area adds its workload here. Those marked
 * `onlyWhenNamed` (the crash campaign) run only when asked for by name.
 */
import type { Workload } from './types.js';
import { apiWorkload } from './api.js';
import { buildWorkload } from './build.js';
import { buildCacheMountWorkload } from './build-cache-mount.js';
import { crashWorkload } from './crash.js';
import { imagesWorkload } from './images.js';
import { metadataWorkload } from './metadata.js';
import { networkWorkload } from './network.js';
import { registryWorkload } from './registry.js';
import { runWorkload } from './run.js';

export const workloads: Workload[] = [apiWorkload, imagesWorkload, buildWorkload, buildCacheMountWorkload, metadataWorkload, runWorkload, networkWorkload, registryWorkload, crashWorkload];
