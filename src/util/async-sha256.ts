/**
 * @module util/async-sha256
 * SHA-256 off the event loop. Bytes given to {@link AsyncSha256.update} are gathered into
 * batches of at least {@link MIN_BATCH} and hashed, in order, on libuv's thread pool (native
 * addon, with the OpenSSL Node.js carries), one batch in flight at a time; so a pull or push
 * hashing hundreds of megabytes leaves the event loop free for decompressing, parsing and
 * sending. The buffers given must not change afterwards (they are read later, on a thread):
 * give fresh chunks, as streams and sockets yield them.
 */
import { native } from './native.js';

/** A batch is handed to the thread pool once this many bytes wait (or at `digest`). */
export const MIN_BATCH = 1 << 20;
/** Above this many bytes waiting, {@link AsyncSha256.update} asks the caller to wait. */
export const HIGH_WATER = 16 << 20;

export class AsyncSha256 {
  readonly #handle = native().sha256New();
  #queue: Buffer[] = [];
  #queued = 0;
  #inflight: Promise<void> | undefined;
  #error: unknown;
  #done = false;
  #waiters: (() => void)[] = [];
  #size = 0;
  #hashed = 0;
  #digest: Promise<`sha256:${string}`> | undefined;

  /** Bytes given so far. */
  get size(): number {
    return this.#size;
  }

  /** Bytes hashed so far: the buffers holding the first this many bytes are no longer read. */
  get hashed(): number {
    return this.#hashed;
  }

  /**
   * Adds `b` to the hash. The caller awaits {@link AsyncSha256.backlog} before giving more
   * when it can, so that no more than {@link HIGH_WATER} bytes wait.
   */
  update(b: Uint8Array): void {
    if (this.#error) throw this.#error;
    if (this.#done) throw new Error('sha256: update after digest');
    if (b.length === 0) return;
    this.#queue.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    this.#queued += b.length;
    this.#size += b.length;
    if (!this.#inflight && this.#queued >= MIN_BATCH) this.#next();
  }

  /** A promise to await before giving more when over {@link HIGH_WATER} bytes wait; nothing otherwise. */
  backlog(): void | Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#queued > HIGH_WATER) return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(() => this.#check());
  }

  #check(): void {
    if (this.#error) throw this.#error;
  }

  /** Hands what waits to the thread pool; when that is hashed, the next batch if full. */
  #next(): void {
    const batch = this.#queue;
    const bytes = this.#queued;
    this.#queue = [];
    this.#queued = 0;
    this.#inflight = native()
      .sha256Update(this.#handle, batch)
      .then(
        () => {
          this.#inflight = undefined;
          this.#hashed += bytes;
          if (this.#queued >= MIN_BATCH) this.#next();
        },
        (e: unknown) => {
          this.#inflight = undefined;
          this.#error ??= e;
        },
      )
      .finally(() => {
        if (this.#queued <= HIGH_WATER || this.#error) for (const w of this.#waiters.splice(0)) w();
      });
  }

  /** The digest (`sha256:…`) of everything given; no update after it. */
  digest(): Promise<`sha256:${string}`> {
    this.#done = true;
    this.#digest ??= this.#finish();
    return this.#digest;
  }

  async #finish(): Promise<`sha256:${string}`> {
    while (this.#inflight) await this.#inflight;
    if (this.#error) throw this.#error;
    if (this.#queued > 0) {
      this.#next();
      while (this.#inflight) await this.#inflight;
      if (this.#error) throw this.#error;
    }
    return `sha256:${native().sha256Digest(this.#handle)}`;
  }
}
