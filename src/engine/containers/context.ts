/**
 * @module engine/containers/context
 * What the container use cases share, each part owning its state behind a narrow interface:
 * the record store, the runtime and the other engines (deps), the running containers'
 * monitors, scheduled restarts, waiters, pending attaches, exec records, per-container locks,
 * and work that outlives a request.
 */
import type { Digest } from '../../image/digest.js';
import type { ContainerRuntime } from '../../runtime/types.js';
import type { StoredImage } from '../../store/images/types.js';
import { Mutex } from '../../util/mutex.js';
import type { VolumeService } from '../volumes/types.js';
import type { ContainerStore } from './container-store.js';
import { ExecRecords } from './exec-records.js';
import { HealthMonitors } from './health.js';
import { RestartScheduler } from './restarts.js';
import { RunningContainers } from './running.js';
import type { ContainerNetworking } from './networking.js';
import { ContainerWaiters, PendingAttaches } from './waiters.js';
import type { EventSink } from '../events/event-log.js';
import type { LogConfig } from './log-config.js';
import type { CommitImageRequest } from '../images/types.js';

export interface ContainerDeps {
  runtime: ContainerRuntime;
  /** Docker's image lookup by name (NotFound: `No such image: …`). */
  resolveImage(name: string): StoredImage;
  imageById(id: Digest): StoredImage | undefined;
  /** Makes an image of a container's changes (the image engine's half of commit); absent: commit is refused. */
  commitImage?(req: CommitImageRequest): Promise<Digest>;
  layers: { readonly root: string; lowerLinks(chainId: Digest | null): string[]; get(chainId: Digest): { size: number } | undefined };
  volumes: Pick<VolumeService, 'ensure' | 'remove'>;
  /** This host's CPU count and hostname. */
  ncpu: number;
  hostName: string;
  /** Where the container's events go (GET /events); absent: nowhere. */
  events?: EventSink;
  /** Networks (bridge and user networks), joined before create (see network.ts); absent: only `none` or `host`. */
  networking?: ContainerNetworking;
  /** The daemon's default logging driver and options; absent: json-file without options. */
  logDefault?: LogConfig;
}

/**
 * One lock per container: every state change of a container runs under its lock, in arrival order,
 * and only once the container's last exit has been handled (`settled`: a wait hears of an exit
 * before its root and network are released; the exit handling never takes the lock).
 */
export class ContainerLocks {
  readonly #locks = new Map<string, Mutex>();
  readonly #settled: (id: string) => Promise<void>;

  constructor(settled: (id: string) => Promise<void> = () => Promise.resolve()) {
    this.#settled = settled;
  }

  run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    let m = this.#locks.get(id);
    if (!m) this.#locks.set(id, (m = new Mutex()));
    return m.run(async () => {
      await this.#settled(id);
      return fn();
    });
  }

  /** The container is gone: its lock with it. */
  drop(id: string): void {
    this.#locks.delete(id);
  }
}

/** Work that outlives the request that started it (runc's own cleanup after an auto-remove). */
export class BackgroundWork {
  readonly #pending = new Set<Promise<void>>();

  track(p: Promise<void>): void {
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  /** Resolves when everything tracked has settled, or after `ms`. */
  async settle(ms: number): Promise<void> {
    await Promise.race([Promise.all([...this.#pending]), new Promise((r) => setTimeout(r, ms).unref())]);
  }
}

export interface ContainerContext {
  readonly store: ContainerStore;
  readonly deps: ContainerDeps;
  readonly running: RunningContainers;
  readonly restarts: RestartScheduler;
  readonly waiters: ContainerWaiters;
  readonly attaches: PendingAttaches;
  readonly execs: ExecRecords;
  readonly locks: ContainerLocks;
  readonly background: BackgroundWork;
  readonly health: HealthMonitors;
}

/** The shared parts of a container engine over a record store (no I/O until recovery). */
export function newContainerContext(store: ContainerStore, deps: ContainerDeps): ContainerContext {
  const running = new RunningContainers();
  return {
    store,
    deps,
    running,
    restarts: new RestartScheduler(),
    waiters: new ContainerWaiters(),
    attaches: new PendingAttaches(),
    execs: new ExecRecords(),
    locks: new ContainerLocks((id) => running.settled(id)),
    background: new BackgroundWork(),
    health: new HealthMonitors(),
  };
}
