/**
 * @module daemon/wire
 * Builds the engine: the only place that chooses implementations. Each area adds its service
 * here, runs its start-up recovery, and registers what it must close at shutdown.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { allRoutes } from '../api/routes/index.js';
import type { Route } from '../api/router.js';
import { LocalCacheIndex } from '../builder/cache/local-cache-index.js';
import type { Engine } from '../engine/engine.js';
import { cacheMountsRoot, scratchRoot, stepContainersRoot } from '../engine/build/backend.js';
import { CacheMountStore } from '../builder/mounts/cache-mount-store.js';
import { DefaultBuildService } from '../engine/build/build-service.js';
import { BuildCacheUsage } from '../engine/build/cache-usage.js';
import { BuildHolds } from '../engine/build/build-holds.js';
import { RuntimeStepRunner } from '../engine/build/runtime-runner.js';
import { RuncRuntime } from '../runtime/runc-runtime.js';
import { DefaultContainerIO } from '../engine/containers/container-io.js';
import { DefaultContainerService } from '../engine/containers/container-service.js';
import { ContainerStore } from '../engine/containers/container-store.js';
import { newContainerContext } from '../engine/containers/context.js';
import { DefaultExecService } from '../engine/containers/exec.js';
import { containerNetworkHooks } from '../engine/containers/network.js';
import { BlobMap } from '../engine/distribution/blob-map.js';
import { DefaultDistributionService } from '../engine/distribution/distribution-service.js';
import { hostPlatform } from '../image/manifest.js';
import { DefaultRegistryClient } from '../registry/registry-client.js';
import { EventLog } from '../engine/events/event-log.js';
import { DefaultImageService } from '../engine/images/image-service.js';
import { LocalVolumeService } from '../engine/volumes/local-volume-service.js';
import { ManagedContainerNetworking } from '../engine/networks/container-networking.js';
import { DefaultNetworkService } from '../engine/networks/network-service.js';
import { bridgeStepNetworking } from '../engine/networks/step-networking.js';
import { BridgeNetworkManager } from '../network/bridge-network-manager.js';
import { routesFromProc } from '../network/ipam.js';
import { NetavarkDriver } from '../network/netavark-driver.js';
import { DefaultSystemService } from '../engine/system/system-service.js';
import type { InfoCounts } from '../engine/types.js';
import { LocalContentStore } from '../store/content/local-content-store.js';
import { LocalImageStore } from '../store/images/local-image-store.js';
import { LocalReferenceStore } from '../store/images/local-reference-store.js';
import { LocalLayerStore } from '../store/layers/local-layer-store.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { DaemonConfig } from './config.js';

export interface Wired {
  engine: Engine;
  routes: Route[];
  close(): Promise<void>;
}

async function daemonId(dataRoot: string): Promise<string> {
  const p = join(dataRoot, 'engine-id');
  try {
    return (await fs.readFile(p, 'utf8')).trim();
  } catch {
    const id = randomUUID();
    await writeFileAtomic(p, id + '\n', 0o600);
    return id;
  }
}

export async function wire(config: DaemonConfig): Promise<Wired> {
  const paths = { dataRoot: config.dataRoot, execRoot: config.execRoot };
  const closers: (() => Promise<void>)[] = [];
  const counters: (() => Promise<InfoCounts>)[] = [];

  const system = new DefaultSystemService({
    paths,
    daemonId: await daemonId(config.dataRoot),
    debug: config.debug,
    startedAt: new Date(),
    counts: async () => Object.assign({}, ...(await Promise.all(counters.map((c) => c())))) as InfoCounts,
    registries: { insecure: config.insecureRegistries, mirrors: config.registryMirrors },
    logDriver: config.logConfig.Type,
  });

  // Container records come first: images and volumes ask them who uses what (they are loaded
  // by the container engine's recovery, before any request).
  const containerStore = new ContainerStore(join(config.dataRoot, 'containers'));

  const content = new LocalContentStore(config.dataRoot);
  const layers = new LocalLayerStore(config.dataRoot);
  const imageStore = new LocalImageStore(config.dataRoot, content, layers);
  const refs = new LocalReferenceStore(config.dataRoot);
  // Events (GET /events): every engine reports to one log.
  const events = new EventLog();

  const images = new DefaultImageService({
    events: events.sink,
    content, layers, images: imageStore, refs,
    isImageInUse: async (id) => containerStore.imageUse(id),
    countContainers: async (id) => containerStore.countByImage(id),
  });
  await images.recover();
  counters.push(async () => ({ images: images.count() }));

  // Registries: pull and push over the OCI distribution client.
  const registry = new DefaultRegistryClient({
    insecureRegistries: config.insecureRegistries,
    mirrors: config.registryMirrors,
    maxDownloads: config.maxConcurrentDownloads,
    maxUploads: config.maxConcurrentUploads,
  });
  closers.push(async () => registry.close());
  const distributionDeps = {
    images: images.context,
    registry,
    blobMap: new BlobMap(config.dataRoot),
    platform: hostPlatform(),
    maxDownloads: config.maxConcurrentDownloads,
    maxUploads: config.maxConcurrentUploads,
  };
  const distribution = new DefaultDistributionService({ ...distributionDeps, events: events.sink });

  // Networks: netavark + aardvark-dns; namespaces and netavark's state under the exec root.
  const network = new BridgeNetworkManager({
    stateDir: join(config.dataRoot, 'network'),
    driver: new NetavarkDriver({ configDir: join(config.execRoot, 'netavark'), netnsDir: join(config.execRoot, 'netns') }),
    bridgeName: config.bridgeName,
    bip: config.bip,
    addressPools: config.defaultAddressPools,
    hostRoutes: () => routesFromProc(readFileSync('/proc/net/route', 'utf8')),
    // Two ready namespaces on the default bridge: `run` there need not wait for netavark.
    poolSize: 2,
  });
  await network.init();
  closers.push(() => network.close());

  // Containers: runc under one berth-shim per process; volumes of the local driver.
  const volumes = new LocalVolumeService(config.dataRoot, (name) => containerStore.volumeUsers(name), events.sink);
  await volumes.recover();
  const containerContext = newContainerContext(containerStore, {
    runtime: new RuncRuntime({ runcRoot: join(config.execRoot, 'runc'), shimRoot: join(config.execRoot, 'shim') }),
    resolveImage: (name) => images.resolve(name),
    imageById: (id) => imageStore.get(id),
    commitImage: (req) => images.commit(req),
    layers,
    volumes,
    ncpu: cpus().length,
    hostName: hostname(),
    events: events.sink,
    networking: new ManagedContainerNetworking(network, events.sink),
    logDefault: config.logConfig,
  });
  const containers = new DefaultContainerService(containerContext);
  const containerIO = new DefaultContainerIO(containerContext);
  const execs = new DefaultExecService(containerContext);

  // RUN steps: runc containers in the builder's own runc and shim roots, on the default
  // network. Intermediate containers a build keeps become containers (listed by `ps -a`,
  // removable).
  const buildRuntime = new RuncRuntime({
    runcRoot: join(config.execRoot, 'build', 'runc'),
    shimRoot: join(config.execRoot, 'build', 'shim'),
    cgroupParent: '/berth-build',
  });
  const stepNetworking = bridgeStepNetworking(network);
  closers.push(() => stepNetworking.releaseIdle());
  const runner = new RuntimeStepRunner(
    buildRuntime, layers, stepContainersRoot(config.dataRoot), scratchRoot(config.dataRoot), (kept) => containers.adoptBuildContainer(kept),
    stepNetworking,
  );
  // One store: it tracks in memory which cache mounts running builds use (df and prune ask it).
  const cacheMounts = new CacheMountStore(cacheMountsRoot(config.dataRoot));
  const cache = new LocalCacheIndex(join(config.dataRoot, 'buildcache'), (id) => imageStore.get(id) !== undefined);
  closers.push(() => cache.flush());
  const holds = new BuildHolds();
  const build = new DefaultBuildService({
    dataRoot: config.dataRoot, images, imageStore, layers, cache, runtime: buildRuntime, runner, afterBuild: () => stepNetworking.releaseIdle(),
    cacheMounts, insecureEntitlements: config.allowInsecureEntitlements, holds, distribution: distributionDeps, events: events.sink,
    cacheUsage: new BuildCacheUsage(cache, images.context, cacheMounts, holds),
    pull: (name, progress, auth) => distribution.pull({ image: name, tag: undefined, all: false, ...(auth ? { auth } : {}) }, progress),
  });
  await build.recover();

  const networks = new DefaultNetworkService(network, containerNetworkHooks(containerContext), events.sink);
  await containers.recover();
  // What a crash or an exit while berthd was down left: endpoints of containers not running.
  const live = new Set((await containers.list({ all: false, filters: new Map(), size: false })).map((c) => c.Id));
  await network.reconcile((id) => live.has(id));
  counters.push(async () => ({ containers: containers.counts() }));
  closers.push(() => containers.close());

  const engine: Engine = { system, images, distribution, build, containers, containerIO, execs, volumes, networks, events };
  return {
    engine,
    routes: allRoutes(engine),
    close: async () => {
      for (const c of closers.reverse()) await c();
    },
  };
}
