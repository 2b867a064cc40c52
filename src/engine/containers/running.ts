/**
 * @module engine/containers/running
 * The containers whose process berthd watches: one monitor connection each, from start (or
 * reconnection at start-up) until the exit has been handled. Also which containers' runtime
 * state is already cleaned up since their process ended (so removal need not do it again).
 *
 * Lifecycle: `watch` when the process is created → `exited(id)` resolves once `onExit` has run
 * (state saved, root unmounted) → `forget` (called by the exit handling). `release` at shutdown
 * closes every connection without treating it as an exit (`released` tells the exit handling).
 */
import type { ProcessConnection } from '../../runtime/types.js';

interface Watched {
  monitor: ProcessConnection;
  /** Resolves once the exit has been handled. */
  exited: Promise<void>;
}

export class RunningContainers {
  readonly #watched = new Map<string, Watched>();
  readonly #cleaned = new Set<string>();
  #released = false;

  /** Watches a process's monitor; `onExit` runs when the connection ends, with the status it announced. */
  watch(id: string, monitor: ProcessConnection, onExit: (code: number | undefined) => Promise<void>): void {
    const w: Watched = { monitor, exited: Promise.resolve() };
    this.#watched.set(id, w);
    w.exited = monitor.exit.then(onExit);
  }

  has(id: string): boolean {
    return this.#watched.has(id);
  }

  /** The monitor connection of a running container (resize). */
  monitor(id: string): ProcessConnection | undefined {
    return this.#watched.get(id)?.monitor;
  }

  /** Resolves once the container's exit has been handled (at once when it is not watched). */
  exited(id: string): Promise<void> {
    return this.#watched.get(id)?.exited ?? Promise.resolve();
  }

  /** Waits for the handled exit, at most `ms` (negative: forever); true when it exited. */
  exitedWithin(id: string, ms: number): Promise<boolean> {
    const w = this.#watched.get(id);
    if (!w) return Promise.resolve(true);
    if (ms < 0) return w.exited.then(() => true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      void w.exited.then(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  forget(id: string): void {
    this.#watched.delete(id);
  }

  /** Records that the runtime state of a container that ended is cleaned up (or, false, that it runs again). */
  setCleaned(id: string, cleaned: boolean): void {
    if (cleaned) this.#cleaned.add(id);
    else this.#cleaned.delete(id);
  }

  isCleaned(id: string): boolean {
    return this.#cleaned.has(id);
  }

  /** berthd shuts down: lets go of every monitor (the containers keep running). */
  release(): void {
    this.#released = true;
    for (const w of this.#watched.values()) w.monitor.close();
  }

  /** Whether `release` ran: a monitor connection that ends now is not an exit. */
  get released(): boolean {
    return this.#released;
  }
}
