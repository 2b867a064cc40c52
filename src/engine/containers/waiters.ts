/**
 * @module engine/containers/waiters
 * Who waits on a container: `wait` and followed logs for its next exit, `wait removed` for its
 * removal, attaches for its removal (`gone`) or for its next start (pending attaches, which
 * connect to the new process before it runs, so `docker run` misses no output).
 * Each registration returns a function that unregisters it.
 */
import { EventEmitter } from 'node:events';
import type { WaitResponse } from '../../api/types/containers.js';

export class ContainerWaiters {
  readonly #events = new EventEmitter();

  constructor() {
    this.#events.setMaxListeners(0);
  }

  #once<T extends unknown[]>(event: string, fn: (...a: T) => void): () => void {
    const h = (...a: T) => fn(...a);
    this.#events.once(event, h as (...a: unknown[]) => void);
    return () => void this.#events.off(event, h as (...a: unknown[]) => void);
  }

  /** Calls `fn` once, at the container's next handled exit. */
  onExit(id: string, fn: (r: WaitResponse) => void): () => void {
    return this.#once(`exit:${id}`, fn);
  }

  /** Calls `fn` once, when the container has been removed (with its last status). */
  onRemoved(id: string, fn: (r: WaitResponse) => void): () => void {
    return this.#once(`removed:${id}`, fn);
  }

  /** Calls `fn` once, when the container's record is gone (early in a removal). */
  onGone(id: string, fn: () => void): () => void {
    return this.#once(`gone:${id}`, fn);
  }

  exited(id: string, r: WaitResponse): void {
    this.#events.emit(`exit:${id}`, r);
  }

  gone(id: string): void {
    this.#events.emit(`gone:${id}`);
  }

  removed(id: string, r: WaitResponse): void {
    this.#events.emit(`removed:${id}`, r);
  }
}

/** An attach waiting for the container to start: connects to the new process before it runs. */
export interface PendingAttach {
  connect(): Promise<void>;
}

export class PendingAttaches {
  readonly #byId = new Map<string, Set<PendingAttach>>();

  /** Registers an attach for the container's next start; returns a function that withdraws it. */
  add(id: string, p: PendingAttach): () => void {
    let set = this.#byId.get(id);
    if (!set) this.#byId.set(id, (set = new Set()));
    set.add(p);
    return () => void this.#byId.get(id)?.delete(p);
  }

  /** The attaches waiting for this start (they wait no more). */
  take(id: string): PendingAttach[] {
    const set = this.#byId.get(id);
    this.#byId.delete(id);
    return set ? [...set] : [];
  }
}
