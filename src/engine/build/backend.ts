/**
 * @module engine/build/backend
 * Adapts berth's stores and services to the roles the builder asks for (build/types.ts).
 */
import { join } from 'node:path';
import type { CacheMountStore } from '../../builder/mounts/cache-mount-store.js';
import type { BuildBackend, BuildCacheIndex, BuildImages, BuildLayers, StepRunner } from '../../builder/types.js';
import type { JsonMessage } from '../../api/types/images.js';
import { NotFound, Unavailable } from '../../errdefs/index.js';
import { isFullId, parseNormalizedNamed } from '../../image/reference.js';
import { encodeImageConfig } from '../../image/config.js';
import type { ImageStore } from '../../store/images/types.js';
import type { LayerStore } from '../../store/layers/types.js';
import type { ProcessRuntime } from '../../runtime/types.js';
import type { ImageService } from '../images/types.js';
import type { BuildCacheUsage } from './cache-usage.js';
import type { BuildHolds } from './build-holds.js';
import { authConfigFor } from '../../registry/auth-configs.js';
import type { AuthConfig } from '../../registry/types.js';
import type { DistributionDeps } from '../distribution/context.js';
import type { EventSink } from '../events/event-log.js';

export interface BuildDeps {
  dataRoot: string;
  images: ImageService;
  imageStore: ImageStore;
  layers: LayerStore;
  /** The build cache index (`<dataRoot>/buildcache`). */
  cache: BuildCacheIndex;
  /** Runs RUN steps; absent: RUN fails with a clear error. */
  runner?: StepRunner;
  /**
   * Pulls an image (FROM of a missing image, `build --pull`), reporting Docker's progress
   * messages; absent: no registry, a missing image is NotFound.
   */
  pull?: (name: string, progress: (m: JsonMessage) => void, auth?: AuthConfig) => Promise<void>;
  /** The runtime behind `runner`, for cleaning up step containers at start-up. */
  runtime?: Pick<ProcessRuntime, 'cleanup'>;
  /** The cache as `system df` and `builder prune` see it; absent: an empty cache. */
  cacheUsage?: BuildCacheUsage;
  /** Runs after each build: releases what `runner` keeps for a build's next step (network namespaces). */
  afterBuild?: () => Promise<void>;
  /** `RUN --mount=type=cache` directories (`<dataRoot>/cachemounts`). */
  cacheMounts?: CacheMountStore;
  /** Entitlements builds may ask for (daemon configuration: `allow-insecure-entitlements`). */
  insecureEntitlements?: string[];
  /** The images running builds use (shared with `cacheUsage`); absent: builds hold nothing. */
  holds?: BuildHolds;
  /** The registry client and blob map, for `--cache-to`/`--cache-from` registry caches. */
  distribution?: DistributionDeps;
  /** Where `builder prune` reports its `prune` event; absent: none is sent. */
  events?: EventSink;
}

const noRunner: StepRunner = {
  create: () => {
    throw new Unavailable('RUN needs the container runtime, which this berth daemon was started without');
  },
  keepUnstarted: async () => {},
};

/** Where `RUN --mount=type=cache` directories persist. */
export function cacheMountsRoot(dataRoot: string): string {
  return join(dataRoot, 'cachemounts');
}

export function scratchRoot(dataRoot: string): string {
  return join(dataRoot, 'tmp', 'build');
}

/** Where RUN step containers live (kept there after a failed step, until the next start-up). */
export function stepContainersRoot(dataRoot: string): string {
  return join(dataRoot, 'tmp', 'build-containers');
}

/** The entry of `X-Registry-Config` for the registry of image `name`. */
export function credentialsFor(auths: Record<string, AuthConfig>, name: string): AuthConfig | undefined {
  let domain: string;
  try {
    domain = parseNormalizedNamed(name).domain;
  } catch {
    return undefined;
  }
  return authConfigFor(auths, domain);
}

export function buildBackend(d: BuildDeps): BuildBackend {
  const images: BuildImages = {
    resolveForBuild: async (name, pull, note, auths) => {
      if (!d.pull || isFullId(name)) return d.images.resolve(name);
      if (!pull) {
        try {
          return d.images.resolve(name);
        } catch (e) {
          if (!(e instanceof NotFound)) throw e;
        }
      }
      await d.pull(name, (m) => {
        // Status lines as the docker CLI prints them without a terminal; byte counts left out.
        if (m.status !== undefined && !m.progress) note?.(`${m.id ? `${m.id}: ` : ''}${m.status}\n`);
      }, auths ? credentialsFor(auths, name) : undefined);
      return d.images.resolve(name);
    },
    get: (id) => d.imageStore.get(id),
    find: (name) => {
      try {
        return d.images.resolve(name);
      } catch {
        return undefined;
      }
    },
    create: (config, parent) => d.imageStore.create(encodeImageConfig(config), parent ? { parent } : {}),
    tag: (id, name) => d.images.tag(id, name),
  };
  const layers: BuildLayers = {
    root: d.layers.root,
    lowerLinks: (c) => d.layers.lowerLinks(c),
    registerDir: (parent, dir, lease) => d.layers.registerDir(parent, dir, { lease }),
    lease: () => d.layers.lease(),
    scratchDir: scratchRoot(d.dataRoot),
  };
  return {
    images,
    layers,
    runner: d.runner ?? noRunner,
    cache: d.cache,
    ...(d.cacheMounts ? { cacheMounts: d.cacheMounts } : {}),
    insecureEntitlements: d.insecureEntitlements ?? [],
  };
}
