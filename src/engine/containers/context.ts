/**
 * @module engine/containers/context
 * State the container use cases share: the record store, the runtime, running containers'
 * monitor connections, attaches waiting for a start, per-container locks, and the events
 * waiters listen to (exit, removal, start).
 */
import { EventEmitter } from 'node:events';
import type { WaitResponse } from '../../api/types/containers.js';
import type { Digest } from '../../image/digest.js';
import type { ContainerRuntime, ShimConnection } from '../../runtime/types.js';
import type { StoredImage } from '../../store/images/types.js';
import { Mutex } from '../../store/mutex.js';
import type { VolumeService } from '../volumes/types.js';
import type { ContainerStore } from './container-store.js';
import type { ContainerNetworking } from './networking.js';
import type { ContainerRecord } from './record.js';

export interface ContainerDeps {
  runtime: ContainerRuntime;
  /** Docker's image lookup by name (NotFound: `No such image: …`). */
  resolveImage(name: string): StoredImage;
  imageById(id: Digest): StoredImage | undefined;
  layers: { readonly root: string; lowerLinks(chainId: Digest | null): string[]; get(chainId: Digest): { size: number } | undefined };
  volumes: VolumeService & { mountpoint(name: string): string };
  /** This host's CPU count and hostname. */
  ncpu: number;
  hostName: string;
  /** Networks (bridge and user networks); without it containers run with `none` or `host`. */
  networking?: ContainerNetworking;
}

export interface RunHandle {
  monitor: ShimConnection;
  /** Resolves once the exit has been handled (state saved, root unmounted). */
  exited: Promise<void>;
}

/** An attach waiting for the container to start: connects to the new process before it runs. */
export interface PendingAttach {
  connect(): Promise<void>;
}

export class ContainerContext {
  readonly store: ContainerStore;
  readonly deps: ContainerDeps;
  readonly events = new EventEmitter();
  readonly running = new Map<string, RunHandle>();
  readonly pending = new Map<string, Set<PendingAttach>>();
  readonly restartTimers = new Map<string, NodeJS.Timeout>();
  readonly restartDelay = new Map<string, number>();
  /** Work that outlives the request that started it (runc's own cleanup after an auto-remove). */
  readonly background = new Set<Promise<void>>();
  /** Containers whose runtime state was cleaned up since their process ended. */
  readonly cleaned = new Set<string>();
  readonly #locks = new Map<string, Mutex>();
  closing = false;

  constructor(store: ContainerStore, deps: ContainerDeps) {
    this.store = store;
    this.deps = deps;
    this.events.setMaxListeners(0);
  }

  lock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    let m = this.#locks.get(id);
    if (!m) this.#locks.set(id, (m = new Mutex()));
    return m.run(fn);
  }

  dropLock(id: string): void {
    this.#locks.delete(id);
  }

  track(p: Promise<void>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  dirOf(id: string): string {
    return this.store.dirOf(id);
  }

  save(rec: ContainerRecord): Promise<void> {
    return this.store.save(rec);
  }

  emitExit(id: string, r: WaitResponse): void {
    this.events.emit(`exit:${id}`, r);
  }

  emitRemoved(id: string, r: WaitResponse): void {
    this.events.emit(`removed:${id}`, r);
  }
}
