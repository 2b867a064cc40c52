/**
 * @module util/tar/write-queue
 * File contents written through the libuv thread pool while the caller goes on parsing and
 * hashing on the main thread: the kernel's copy into the page cache then runs on another
 * core. Writes to one file carry explicit positions; a file is finished (owner, mode, times,
 * close) only once all its writes are done, and a large file's writeback is started before it
 * is closed. In-flight bytes are bounded by the caller waiting on {@link WriteQueue.pressure}.
 */
import { closeSync, writev } from 'node:fs';
import { SystemError } from '../../errdefs/index.js';
import { startWriteback } from '../fs-sync.js';

export interface QueuedFile {
  fd: number;
  position: number;
  pending: number;
  /** Chunks gathered for one writev (fewer, larger system calls). */
  batch: Buffer[];
  batchLen: number;
  /** Runs once the entry ended and every write of it completed. */
  finalize?: () => void;
  /** Its writeback was started (files of at least WRITEBACK_MIN bytes). */
  flushing?: boolean;
}

/** Bytes gathered per file before a writev. */
const BATCH = 1 << 20;
/** Files at least this large have their writeback started once written (fs-sync's startWriteback). */
const WRITEBACK_MIN = 256 << 10;

export class WriteQueue {
  #inflight = 0;
  #error: unknown;
  #waiters: (() => void)[] = [];
  readonly #limit: number;
  readonly #open = new Set<QueuedFile>();

  constructor(limit = 32 << 20) {
    this.#limit = limit;
  }

  /** The first write or finalize error, if any. */
  get error(): unknown {
    return this.#error;
  }

  open(fd: number): QueuedFile {
    const f: QueuedFile = { fd, position: 0, pending: 0, batch: [], batchLen: 0 };
    this.#open.add(f);
    return f;
  }

  write(f: QueuedFile, chunk: Buffer): void {
    if (this.#error !== undefined) throw this.#error;
    f.batch.push(chunk);
    f.batchLen += chunk.length;
    this.#inflight += chunk.length;
    if (f.batchLen >= BATCH) this.#flush(f);
  }

  #flush(f: QueuedFile): void {
    if (f.batchLen === 0) return;
    const bufs = f.batch;
    const len = f.batchLen;
    const position = f.position;
    f.batch = [];
    f.batchLen = 0;
    f.position += len;
    this.#submit(f, bufs, len, position);
  }

  #submit(f: QueuedFile, bufs: Buffer[], len: number, position: number): void {
    f.pending++;
    writev(f.fd, bufs, position, (err, n) => {
      f.pending--;
      if (err) {
        this.#inflight -= len;
        this.#error ??= err;
      } else if (n < len) {
        // Short write: resubmit the rest.
        this.#inflight -= n;
        const rest = Buffer.concat(bufs).subarray(n);
        this.#submit(f, [rest], rest.length, position + n);
        return;
      } else this.#inflight -= len;
      this.#settle(f);
    });
  }

  /** Runs `finalize` when the file's writes are done (now, if none is pending). */
  end(f: QueuedFile, finalize: () => void): void {
    this.#flush(f);
    f.finalize = finalize;
    this.#settle(f);
  }

  #settle(f: QueuedFile): void {
    if (f.pending === 0 && f.finalize && !f.flushing && f.position >= WRITEBACK_MIN && this.#error === undefined) {
      // Its writeback started now, on the thread pool, while the rest is extracted: the
      // syncfs before the layer is published then finds little left to write.
      f.flushing = true;
      f.pending++;
      void startWriteback(f.fd).then(() => {
        f.pending--;
        this.#settle(f);
      });
    } else if (f.pending === 0 && f.finalize) {
      const fin = f.finalize;
      f.finalize = undefined;
      this.#open.delete(f);
      try {
        if (this.#error === undefined) fin();
        else closeSync(f.fd);
      } catch (e) {
        this.#error ??= e;
      }
    }
    if (this.#inflight <= this.#limit / 2 || this.#idle()) this.#wake();
  }

  #idle(): boolean {
    for (const f of this.#open) if (f.pending > 0 || f.finalize) return false;
    return true;
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const r of w) r();
  }

  /** A promise to wait on when too many bytes are in flight; undefined otherwise. */
  pressure(): Promise<void> | undefined {
    if (this.#inflight <= this.#limit) return undefined;
    return new Promise((r) => this.#waiters.push(r));
  }

  /** Resolves when every write and finalize is done; rejects with the first error. */
  async idle(): Promise<void> {
    while (this.#inflight > 0 || !this.#idle()) await new Promise<void>((r) => this.#waiters.push(r));
    if (this.#error !== undefined) throw this.#error;
  }

  /** Closes files whose writes are done; the others close when theirs complete. */
  abort(): void {
    this.#error ??= new SystemError('extraction aborted');
    for (const f of this.#open) {
      if (f.pending === 0) {
        this.#open.delete(f);
        try {
          closeSync(f.fd);
        } catch {
          /* closed */
        }
      } else f.finalize = () => closeSync(f.fd);
    }
    this.#wake();
  }
}
