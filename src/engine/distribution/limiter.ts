/**
 * @module engine/distribution/limiter
 * A counting semaphore: at most `n` tasks at once (Docker's 3 downloads, 5 uploads), started
 * in the order they asked.
 */
export class Limiter {
  #free: number;
  readonly #queue: (() => void)[] = [];

  constructor(n: number) {
    this.#free = Math.max(1, n);
  }

  /** Whether a task asking now would have to wait. */
  get busy(): boolean {
    return this.#free === 0;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((r) => this.#queue.push(r));
    try {
      return await fn();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
