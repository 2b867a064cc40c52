/**
 * Every scenario of the differential suite, by area. Each runs in an empty directory with
 * the daemon holding only busybox:latest; containers need `--network none` or `host` (the
 * reference dockerd runs without its default bridge).
 */
import type { Scenario } from './harness.js';
import { build } from './scenarios/build.js';
import { errors } from './scenarios/errors.js';
import { exec } from './scenarios/exec.js';
import { files } from './scenarios/files.js';
import { images } from './scenarios/images.js';
import { inspect } from './scenarios/inspect.js';
import { lifecycle } from './scenarios/lifecycle.js';
import { logs } from './scenarios/logs.js';
import { prune } from './scenarios/prune.js';
import { ps } from './scenarios/ps.js';
import { registry, registryEdges, registryMore } from './scenarios/registry.js';
import { system } from './scenarios/system.js';
import { volumes } from './scenarios/volumes.js';

export const scenarios: Scenario[] = [...lifecycle, ...ps, ...inspect, ...logs, ...exec, ...files, ...volumes, ...images, ...system, ...prune, ...errors, ...build, ...registry, ...registryMore, ...registryEdges];
