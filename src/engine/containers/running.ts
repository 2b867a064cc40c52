/**
 * @module engine/containers/running
 * The containers whose process berthd watches: one monitor connection each, from start (or
 * reconnection at start-up) until the exit has been handled. Also which containers' runtime
 * state is already cleaned up since their process ended (so removal need not do it again).
 *
 * Lifecycle: `watch` when the process is created → `exited(id)` resolves once `onExit` has run
 * (state saved, root unmounted) → `forget` (called by the exit handling). `release` at shutdown
 * closes every connection without treating it as an exit (`released` tells the exit handling).
 *
 * Waits and followed logs end at the exit's `die`, before the root and the network are released
 * (as dockerd's do): the exit handling marks that span with `settling`, and every use case that
 * takes the container's lock waits for `settled` first (see ContainerLocks), so a `rm` or `start`
 * right after a wait finds the release done.
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
  readonly #settling = new Map<string, Promise<void>>();
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

  /** The exit handling of `id` is under way until `p` settles (its outcome does not matter). */
  settling(id: string, p: Promise<unknown>): void {
    const done: Promise<void> = p.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      if (this.#settling.get(id) === done) this.#settling.delete(id);
    });
    this.#settling.set(id, done);
  }

  /** Resolves once the last exit's handling (release, state, auto-remove) is done; at once when none is under way. */
  settled(id: string): Promise<void> {
    return this.#settling.get(id) ?? Promise.resolve();
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
