/**
 * @module engine/images/channel
 * A byte channel from a synchronous producer (a tar parser's callbacks) to an async consumer
 * (a layer extraction), with a backlog the producer can wait on.
 */
export class ByteChannel implements AsyncIterable<Buffer> {
  #queue: Buffer[] = [];
  #backlog = 0;
  #ended = false;
  #error: unknown;
  #stopped = false;
  #wake: (() => void) | undefined;
  #drained: (() => void)[] = [];

  get backlog(): number {
    return this.#backlog;
  }

  push(b: Buffer): void {
    if (this.#ended || this.#stopped) return;
    this.#queue.push(b);
    this.#backlog += b.length;
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  fail(e: unknown): void {
    this.#error ??= e;
    this.#ended = true;
    this.#wake?.();
  }

  /** Resolves when the backlog is at most `max` bytes (or the consumer stopped). */
  waitBelow(max: number): Promise<void> {
    if (this.#backlog <= max || this.#stopped) return Promise.resolve();
    return new Promise((r) => this.#drained.push(r));
  }

  #releaseWaiters(): void {
    const w = this.#drained;
    this.#drained = [];
    for (const r of w) r();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        if (this.#error !== undefined) throw this.#error;
        const b = this.#queue.shift();
        if (b) {
          this.#backlog -= b.length;
          if (this.#backlog <= 1 << 20) this.#releaseWaiters();
          yield b;
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((r) => (this.#wake = r));
        this.#wake = undefined;
      }
    } finally {
      // The consumer stopped (done or failed): drop what comes, never leave the producer waiting.
      this.#stopped = true;
      this.#queue = [];
      this.#backlog = 0;
      this.#releaseWaiters();
    }
  }
}
