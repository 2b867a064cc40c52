/**
 * @module engine/containers/restarts
 * Restarts scheduled by restart policies, with Docker's back-off: 100 ms after the first exit,
 * doubling while runs last under 10 s, at most a minute; a run of 10 s or more starts over at
 * 100 ms. One pending restart per container; `cancel` drops it (a start or stop by hand),
 * `reset` also forgets the back-off (removal).
 */

/** The delay before the next restart, from the last delay (0: none yet) and how long the run lasted. */
export function restartDelay(previousMs: number, ranMs: number): number {
  return ranMs >= 10_000 || previousMs === 0 ? 100 : Math.min(previousMs * 2, 60_000);
}

export class RestartScheduler {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #delays = new Map<string, number>();

  /** Runs `restart` after the back-off delay; returns the delay. */
  schedule(id: string, ranMs: number, restart: () => void): number {
    this.cancel(id);
    const delay = restartDelay(this.#delays.get(id) ?? 0, ranMs);
    this.#delays.set(id, delay);
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      restart();
    }, delay);
    timer.unref();
    this.#timers.set(id, timer);
    return delay;
  }

  /** Whether a restart is pending. */
  pending(id: string): boolean {
    return this.#timers.has(id);
  }

  /** Drops a pending restart; true when there was one. */
  cancel(id: string): boolean {
    const t = this.#timers.get(id);
    if (!t) return false;
    clearTimeout(t);
    this.#timers.delete(id);
    return true;
  }

  /** Drops a pending restart and the back-off (the container goes away). */
  reset(id: string): void {
    this.cancel(id);
    this.#delays.delete(id);
  }

  /** Shutdown: no restart fires any more. */
  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
