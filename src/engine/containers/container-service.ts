/**
 * @module engine/containers/container-service
 * The ContainerService: create, start and the other lifecycle use cases and queries, over the
 * record store and the runtime, each state change under the container's lock; plus start-up
 * recovery, which reconnects to containers still running under their shims. (A container's
 * I/O is container-io.ts; execs are exec.ts; all share one ContainerContext.)
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type {
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPruneReport, ContainerSummary, TopResponse,
  ContainerChangeWire, ContainerUpdateRequest, ContainerUpdateResponse,
} from '../../api/types/containers.js';
import type { Digest } from '../../image/digest.js';
import { commitContainer, containerChanges, type CommitOptions } from './commit.js';
import { updateContainer } from './update.js';
import { Conflict, InvalidArgument, NotFound, NotModified } from '../../errdefs/index.js';
import type { EndpointConfigWire } from '../../api/types/networks.js';
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import { buildRecord, checkContainerNetworkMode, containerModeTarget } from './create-config.js';
import { killContainer, pauseContainer, removeContainer, stopContainer, unpauseContainer } from './control.js';
import { removeStopped } from './exit.js';
import { generateName, normalizeName } from './names.js';
import { inspectRecord, listContainers } from './queries.js';
import type { PlannedMount } from './mounts.js';
import { recoverContainers } from './recover.js';
import { nowRfc3339Nano, type ContainerRecord } from './record.js';
import { startContainer } from './start.js';
import type { KeptContainer } from '../../builder/types.js';
import { adoptBuildContainer } from './adopt.js';
import { duBytes, pruneContainers, topOf } from './maintenance.js';
import type { ContainerService, ListOptions } from './types.js';
import { containerEvent } from './events.js';
import { pruneEvent } from '../events/event-log.js';
import { recordLinks, renameInLinks } from './links.js';
import { blkioWeightSupported, checkImagePlatform, createWarnings, joinedContainer } from './run-options.js';

const log = logger('containers');

/** A random 64-hex ID whose 12-character short form is not all digits (Docker's rule). */
export function newContainerId(): string {
  for (;;) {
    const id = randomBytes(32).toString('hex');
    if (!/^[0-9]{12}/.test(id)) return id;
  }
}

/** A start or restart by hand counts the policy's restarts from zero again (as dockerd). */
function resetRestarts(rec: ContainerRecord): ContainerRecord {
  if (!rec.State.Running) rec.RestartCount = 0;
  return rec;
}

export class DefaultContainerService implements ContainerService {
  readonly #ctx: ContainerContext;

  constructor(ctx: ContainerContext) {
    this.#ctx = ctx;
  }

  #uniqueName(): string {
    for (let i = 0; ; i++) {
      const n = generateName(i > 5 ? 1 : 0);
      if (!this.#ctx.store.nameTaken(n)) return n;
    }
  }

  /** `--volumes-from C[:ro|rw]`: C's volumes and binds, where this container mounts nothing itself. */
  #volumesFrom(specs: string[], mounts: PlannedMount[]): void {
    for (const spec of specs) {
      const i = spec.lastIndexOf(':');
      const [ref, mode] = i > 0 && ['ro', 'rw'].includes(spec.slice(i + 1)) ? [spec.slice(0, i), spec.slice(i + 1)] : [spec, ''];
      let src: ContainerRecord;
      try {
        src = this.#ctx.store.resolve(ref);
      } catch (e) {
        // dockerd refuses it as a bad parameter (400): a 404 would make the docker CLI pull the image.
        throw e instanceof NotFound ? new InvalidArgument(e.message, { cause: e }) : e;
      }
      for (const m of src.Mounts as PlannedMount[]) {
        if (m.Type !== 'volume' && m.Type !== 'bind') continue;
        if (mounts.some((x) => x.Destination === m.Destination)) continue;
        const rw = mode === '' ? m.RW : mode === 'rw';
        const copy: PlannedMount = { ...m, RW: rw, Mode: mode || m.Mode };
        delete copy.Anonymous;
        delete copy.NoCopy;
        mounts.push(copy);
      }
    }
  }

  async create(req: ContainerCreateRequest, opts: { name?: string; platform?: string }): Promise<ContainerCreateResponse> {
    if (!req || typeof req !== 'object') throw new InvalidArgument('Config cannot be empty in order to create a container');
    checkContainerNetworkMode(req);
    if (!req.Image) throw new InvalidArgument('No image specified');
    const image = this.#ctx.deps.resolveImage(req.Image);
    checkImagePlatform(req.Image, opts.platform, image.config);
    const id = newContainerId();
    const name = opts.name ? normalizeName(opts.name) : this.#uniqueName();
    // dockerd records another container's namespaces by its ID. A network donor may be missing
    // until start (the error comes then); a PID or IPC donor must exist now.
    if (req.HostConfig) {
      const h = (req = { ...req, HostConfig: { ...req.HostConfig } }).HostConfig!;
      const shared = containerModeTarget(h.NetworkMode);
      const nc = shared ? this.#ctx.store.find(shared) : undefined;
      if (nc) h.NetworkMode = `container:${nc.ID}`;
      for (const key of ['PidMode', 'IpcMode'] as const) {
        const donor = joinedContainer(h[key]);
        if (donor === undefined) continue;
        const found = this.#ctx.store.find(donor);
        if (!found) throw new InvalidArgument(`No such container: ${donor}`);
        h[key] = `container:${found.ID}`;
      }
    }
    if (req.HostConfig?.Links) {
      req = { ...req, HostConfig: { ...req.HostConfig, Links: recordLinks(req.HostConfig.Links, req.HostConfig.NetworkMode ?? '', name, (ref) => this.#ctx.store.find(ref)) } };
    }
    const networks = this.#ctx.deps.networking?.plan(req.HostConfig?.NetworkMode ?? '', req.NetworkingConfig?.EndpointsConfig as Record<string, EndpointConfigWire | null> | undefined);
    const { record, mounts } = buildRecord({
      id, name, created: nowRfc3339Nano(), imageId: image.record.id, image: image.config.config, request: req,
      ncpu: this.#ctx.deps.ncpu, hostName: this.#ctx.deps.hostName, networks, logDefault: this.#ctx.deps.logDefault,
    });
    const warnings = createWarnings(record.HostConfig, { blkioWeight: blkioWeightSupported() });
    this.#volumesFrom(req.HostConfig?.VolumesFrom ?? [], mounts);
    this.#ctx.store.reserveName(name, id);
    try {
      for (const m of mounts) {
        if (m.Type !== 'volume') continue;
        const volName = m.Name || randomBytes(32).toString('hex');
        const { volume, created } = await this.#ctx.deps.volumes.ensure(volName, { anonymous: !m.Name, labels: m.VolumeLabels });
        m.Name = volName;
        m.Source = volume.Mountpoint;
        if (created && !m.NoCopy) (m as { CopyUp?: boolean }).CopyUp = true;
      }
      record.Mounts = mounts;
      await this.#ctx.store.save(record);
      containerEvent(this.#ctx, record, 'create');
    } catch (e) {
      this.#ctx.store.releaseName(name, id);
      throw e;
    }
    return { Id: id, Warnings: warnings };
  }

  async start(ref: string): Promise<void> {
    const rec = this.#ctx.store.resolve(ref);
    try {
      await this.#ctx.locks.run(rec.ID, () => startContainer(this.#ctx, resetRestarts(rec)));
    } catch (e) {
      if (!(e instanceof NotModified) && rec.HostConfig.AutoRemove && !rec.State.Running && this.#ctx.store.get(rec.ID)) {
        await this.#ctx.locks.run(rec.ID, () => removeStopped(this.#ctx, rec, { volumes: true })).catch(() => {});
      }
      throw e;
    }
  }

  async stop(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const rec = this.#ctx.store.resolve(ref);
    await this.#ctx.locks.run(rec.ID, () => stopContainer(this.#ctx, rec, opts));
  }

  kill(ref: string, signal?: string): Promise<void> {
    return killContainer(this.#ctx, ref, signal);
  }

  async restart(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const rec = this.#ctx.store.resolve(ref);
    await this.#ctx.locks.run(rec.ID, async () => {
      if (rec.State.Running || rec.State.Restarting) {
        await stopContainer(this.#ctx, rec, opts).catch((e) => {
          if (!(e instanceof NotModified)) throw e;
        });
      }
      await startContainer(this.#ctx, resetRestarts(rec));
      containerEvent(this.#ctx, rec, 'restart');
    });
  }

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await removeContainer(this.#ctx, ref, opts);
  }

  async list(opts: ListOptions): Promise<ContainerSummary[]> {
    const list = listContainers(this.#ctx, opts, (ref) => {
      try {
        return [this.#ctx.deps.resolveImage(ref).record.id];
      } catch {
        return [];
      }
    });
    if (opts.size) {
      for (const c of list) Object.assign(c, await this.#sizes(c.Id, c.ImageID));
    }
    return list;
  }

  /** SizeRw (the container's own files) and SizeRootFs (those plus its image's layers). */
  async #sizes(id: string, imageId: string): Promise<{ SizeRw: number; SizeRootFs: number }> {
    const rw = await duBytes(join(this.#ctx.store.dirOf(id), 'upper'));
    const image = this.#ctx.deps.imageById(imageId as `sha256:${string}`);
    const layers = (image?.chainIds ?? []).reduce((n, c) => n + (this.#ctx.deps.layers.get(c)?.size ?? 0), 0);
    return { SizeRw: rw, SizeRootFs: rw + layers };
  }

  async inspect(ref: string, opts: { size?: boolean } = {}): Promise<ContainerInspect> {
    const rec = this.#ctx.store.resolve(ref);
    const out = inspectRecord(this.#ctx, rec);
    const ids = this.#ctx.execs.idsOf(rec.ID);
    out.ExecIDs = ids.length ? ids : null;
    if (opts.size) Object.assign(out, await this.#sizes(rec.ID, rec.ImageID));
    return out;
  }

  async resize(ref: string, height: number, width: number): Promise<void> {
    const rec = this.#ctx.store.resolve(ref);
    const monitor = this.#ctx.running.monitor(rec.ID);
    if (!monitor) throw new Conflict(`Container ${rec.ID} is not running`);
    monitor.resize(height, width);
  }

  top(ref: string, psArgs?: string): Promise<TopResponse> {
    return topOf(this.#ctx, ref, psArgs);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.#ctx.store.resolve(ref);
    if (!newName) throw new InvalidArgument('Neither old nor new names may be empty');
    let name: string;
    try {
      name = normalizeName(newName);
    } catch (e) {
      // dockerd words a bad new name as a failed allocation, naming it with its slash.
      if (!(e instanceof InvalidArgument)) throw e;
      throw new InvalidArgument(`Error when allocating new name: Invalid container name (/${newName.replace(/^\//, '')}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, { cause: e });
    }
    const old = await this.#ctx.locks.run(rec.ID, async () => {
      const old = rec.Name.slice(1);
      if (old === name) throw new InvalidArgument('Renaming a container with the same name as its current name');
      try {
        this.#ctx.store.reserveName(name, rec.ID);
      } catch (e) {
        if (e instanceof Conflict) throw new Conflict(`Error when allocating new name: ${e.message}`, { cause: e });
        throw e;
      }
      rec.Name = `/${name}`;
      try {
        await this.#ctx.store.save(rec);
      } catch (e) {
        rec.Name = `/${old}`;
        this.#ctx.store.releaseName(name, rec.ID);
        throw e;
      }
      this.#ctx.store.releaseName(old, rec.ID);
      containerEvent(this.#ctx, rec, 'rename', { oldName: `/${old}` });
      return old;
    });
    // Links to or from it follow it, each record under its own lock (after this one's: no lock order to keep).
    for (const other of this.#ctx.store.all()) {
      if (!renameInLinks(other.HostConfig.Links, old, name)) continue;
      await this.#ctx.locks.run(other.ID, async () => {
        const links = renameInLinks(other.HostConfig.Links, old, name);
        if (!links) return;
        other.HostConfig.Links = links;
        await this.#ctx.store.save(other);
      });
    }
  }

  pause(ref: string): Promise<void> {
    return pauseContainer(this.#ctx, ref);
  }

  unpause(ref: string): Promise<void> {
    return unpauseContainer(this.#ctx, ref);
  }

  async prune(filters: Map<string, string[]>): Promise<ContainerPruneReport> {
    const report = await pruneContainers(this.#ctx, filters);
    // As dockerd: each removal's `destroy`, then one `prune` with the space reclaimed.
    this.#ctx.deps.events?.(pruneEvent('container', report.SpaceReclaimed));
    return report;
  }

  update(ref: string, req: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    return updateContainer(this.#ctx, ref, req);
  }

  changes(ref: string): Promise<ContainerChangeWire[]> {
    return containerChanges(this.#ctx, ref);
  }

  commit(ref: string, opts: CommitOptions): Promise<Digest> {
    return commitContainer(this.#ctx, ref, opts);
  }

  counts(): { total: number; running: number; paused: number; stopped: number } {
    const all = this.#ctx.store.all();
    const paused = all.filter((r) => r.State.Paused).length;
    const running = all.filter((r) => r.State.Running && !r.State.Paused).length;
    return { total: all.length, running, paused, stopped: all.length - running - paused };
  }

  /** Takes over an intermediate container the builder keeps (see adopt.ts). */
  adoptBuildContainer(k: KeptContainer): Promise<void> {
    return adoptBuildContainer(this.#ctx, k);
  }

  async recover(): Promise<void> {
    await recoverContainers(this.#ctx);
  }

  async close(): Promise<void> {
    this.#ctx.running.release();
    this.#ctx.restarts.close();
    this.#ctx.health.stopAll();
    await this.#ctx.background.settle(5000);
    // Record writes in flight (an exit's state, a probe's health) land before the daemon goes.
    await this.#ctx.store.flush();
    log.debug('container monitors released');
  }
}
