/**
 * @module util/mutex
 * An async mutex: callers run one at a time, in arrival order. The stores and the engine
 * serialize their metadata writes with it so that two API calls on the same record never
 * interleave.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` when every earlier caller has finished; returns its result. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
