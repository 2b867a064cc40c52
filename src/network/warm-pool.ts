/**
 * @module network/warm-pool
 * A few entries made ahead of need, so that a caller takes one ready instead of waiting while
 * it is made (berth keeps network namespaces already on the default bridge this way: a
 * netavark setup costs 0.2–1 s, taking a ready one a few milliseconds).
 *
 * - `start` begins filling up to `size`; entries are made one at a time (what they cost is
 *   mostly host-wide serialized work, so making two at once gains nothing).
 * - `take` hands out the first ready entry in `compare` order; with none ready but one being
 *   made, it waits for that one (a fresh one would queue behind it anyway). Else `undefined`:
 *   the caller makes its own. A take that leaves entries ready refills `refillDelayMs` later,
 *   so that entries given back meanwhile fill the place first; one that leaves none, at once.
 * - `giveBack` returns an entry (one taken and not used, or one as good as new). A full pool
 *   keeps the first `size` entries in `compare` order and releases the rest.
 * - A failed make is reported and retried after `retryMs`, never in a tight loop.
 * - `close` stops refilling, waits for the entry being made and releases every entry not taken.
 *   Entries taken are the taker's to undo.
 */

export interface WarmSource<T> {
  /** Makes one entry. */
  make(): Promise<T>;
  /** Undoes an entry nobody took. */
  release(entry: T): Promise<void>;
}

export interface WarmPoolOptions<T> {
  /** How many ready entries to keep. */
  size: number;
  /** Which ready entry goes first (default: the oldest). */
  compare?(a: T, b: T): number;
  /** Wait after a take before refilling (default 0). */
  refillDelayMs?: number;
  /** Wait after a failed make before the next attempt (default 5 s). */
  retryMs?: number;
  /** Told of failed makes and releases (the pool itself never throws them). */
  onError?(what: 'make' | 'release', error: unknown): void;
}

export class WarmPool<T> {
  readonly #source: WarmSource<T>;
  readonly #opts: WarmPoolOptions<T>;
  readonly #ready: T[] = [];
  #making: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #open = false;

  constructor(source: WarmSource<T>, opts: WarmPoolOptions<T>) {
    this.#source = source;
    this.#opts = opts;
  }

  /** Ready entries now. */
  get ready(): number {
    return this.#ready.length;
  }

  /** Whether entries given back are taken in (between `start` and `close`). */
  get open(): boolean {
    return this.#open;
  }

  start(): void {
    this.#open = true;
    this.#fill();
  }

  async take(): Promise<T | undefined> {
    if (!this.#open) return undefined;
    if (!this.#ready.length && this.#making) await this.#making;
    const e = this.#ready.shift();
    // The last one taken: refill now; else later, so that entries given back meanwhile fill the place.
    this.#later(this.#ready.length ? (this.#opts.refillDelayMs ?? 0) : 0);
    return e;
  }

  giveBack(entry: T): void {
    if (this.#open) this.#keep(entry);
    else void this.#release(entry);
  }

  async close(): Promise<void> {
    this.#open = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#making;
    await Promise.all(this.#ready.splice(0).map((e) => this.#release(e)));
  }

  #keep(entry: T): void {
    this.#ready.push(entry);
    if (this.#opts.compare) this.#ready.sort(this.#opts.compare);
    for (const e of this.#ready.splice(this.#opts.size)) void this.#release(e);
  }

  #release(entry: T): Promise<void> {
    return this.#source.release(entry).catch((e) => this.#opts.onError?.('release', e));
  }

  /** Fills after `ms` (0: now, in place of a fill scheduled for later). */
  #later(ms: number): void {
    if (!ms) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#fill();
      return;
    }
    if (this.#timer || !this.#open) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#fill();
    }, ms);
    this.#timer.unref();
  }

  #fill(): void {
    if (!this.#open || this.#making || this.#timer || this.#ready.length >= this.#opts.size) return;
    let failed = false;
    this.#making = this.#source.make().then(
      async (e) => {
        if (this.#open) this.#keep(e);
        else await this.#release(e);
      },
      (err) => {
        failed = true;
        this.#opts.onError?.('make', err);
      },
    ).finally(() => {
      this.#making = undefined;
      if (failed) this.#later(this.#opts.retryMs ?? 5000);
      else this.#fill();
    });
  }
}
