/**
 * @module util/tar/ingest
 * Feeds a possibly compressed tar stream to a {@link TarHandler} while hashing it: the digest
 * of the bytes as received (a blob digest) and of the uncompressed tar (the diffID). gzip is
 * recognized by its magic number and inflated on the way; plain tars pass straight through
 * without a copy. `write` returns a promise only when the inflater asks the caller to wait.
 */
import { once } from 'node:events';
import { createGunzip, type Gunzip } from 'node:zlib';
import { InvalidArgument } from '../../errdefs/index.js';
import { AsyncSha256 } from '../async-sha256.js';
import { assertSupported, detectCompression, MAGIC_BYTES, type Compression } from './compression.js';
import { TarParser } from './parser.js';
import type { TarHandler } from './types.js';

/** Compressed bytes are handed to the inflater in writes of at least this many. */
const GZ_BATCH = 1 << 20;

export interface Digested {
  digest: `sha256:${string}`;
  size: number;
}

export interface IngestResult {
  compression: Compression;
  /** The bytes as received. */
  blob: Digested;
  /** The uncompressed tar (the layer's diffID). */
  tar: Digested;
  /** Entries parsed. */
  entries: number;
}

export class TarIngest {
  readonly #parser: TarParser;
  // Hashed on the thread pool (util/async-sha256), while the event loop inflates and parses.
  readonly #blobHash = new AsyncSha256();
  readonly #tarHash = new AsyncSha256();
  #blobSize = 0;
  #tarSize = 0;
  #head: Buffer[] = [];
  #headLen = 0;
  #compression: Compression | undefined;
  #gunzip: Gunzip | undefined;
  #gz: Buffer[] = [];
  #gzLen = 0;
  #error: unknown;

  constructor(handler: TarHandler) {
    this.#parser = new TarParser(handler);
  }

  #fail(e: unknown): never {
    this.#error ??= e;
    throw this.#error;
  }

  #plain(chunk: Buffer): void {
    this.#tarHash.update(chunk);
    this.#tarSize += chunk.length;
    this.#parser.push(chunk);
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.#error) throw this.#error;
    if (chunk.length === 0) return;
    this.#blobHash.update(chunk);
    this.#blobSize += chunk.length;
    let fed: void | Promise<void>;
    if (this.#compression === undefined) {
      this.#head.push(chunk);
      this.#headLen += chunk.length;
      if (this.#headLen < MAGIC_BYTES) return this.#blobHash.backlog();
      fed = this.#start();
    } else {
      fed = this.#feed(chunk);
    }
    // Both hashes may fall behind the thread pool: then wait for them too.
    const hashing = this.#blobHash.backlog();
    const behind = this.#tarHash.backlog();
    return hashing || fed || behind ? Promise.all([hashing, fed, behind]).then(() => undefined) : undefined;
  }

  #start(): void | Promise<void> {
    const head = Buffer.concat(this.#head, this.#headLen);
    this.#head = [];
    this.#compression = detectCompression(head);
    try {
      assertSupported(this.#compression);
    } catch (e) {
      this.#fail(e);
    }
    if (this.#compression === 'gzip') {
      const g = createGunzip({ chunkSize: 256 << 10 });
      g.on('data', (c: Buffer) => {
        if (this.#error) return;
        try {
          this.#plain(c);
        } catch (e) {
          this.#error = e;
          g.destroy();
        }
      });
      g.on('error', (e) => {
        this.#error ??= new InvalidArgument(`invalid gzip stream: ${e.message}`, { cause: e });
      });
      this.#gunzip = g;
    }
    return this.#feed(head);
  }

  #feed(chunk: Buffer): void | Promise<void> {
    const g = this.#gunzip;
    if (!g) {
      try {
        this.#plain(chunk);
      } catch (e) {
        this.#fail(e);
      }
      return;
    }
    // Gathered into writes of GZ_BATCH: each write is a job on the thread pool, and handing
    // one over costs more than copying the socket's 64 KiB chunks together.
    this.#gz.push(chunk);
    this.#gzLen += chunk.length;
    if (this.#gzLen >= GZ_BATCH) return this.#inflate(g);
  }

  /** Hands what was gathered to the inflater; a promise when it asks the caller to wait. */
  #inflate(g: Gunzip): void | Promise<void> {
    const batch = this.#gz.length === 1 ? this.#gz[0]! : Buffer.concat(this.#gz, this.#gzLen);
    this.#gz = [];
    this.#gzLen = 0;
    if (!g.write(batch)) {
      // One listener pair per wait, removed when it ends (events.once left the loser's
      // 'close' and 'error' listeners behind on every drain).
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          g.off('drain', done);
          g.off('close', done);
          if (this.#error) reject(this.#error);
          else resolve();
        };
        g.on('drain', done);
        g.on('close', done);
      });
    }
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#blobSize;
  }

  /** The digest of the bytes received; ends the blob's hashing (call it once all were written). */
  receivedDigest(): Promise<`sha256:${string}`> {
    return this.#blobHash.digest();
  }

  /** Ends the stream; resolves with the digests once everything was handled. */
  async end(): Promise<IngestResult> {
    if (this.#error) throw this.#error;
    if (this.#compression === undefined) {
      if (this.#headLen === 0) throw new InvalidArgument('empty archive: expected a tar stream');
      await this.#start();
    }
    const g = this.#gunzip;
    if (g) {
      if (this.#gzLen > 0) await this.#inflate(g);
      if (this.#error) throw this.#error;
      const done = Promise.race([once(g, 'end'), once(g, 'close')]);
      g.end();
      await done.catch((e: unknown) => this.#fail(e));
      if (this.#error) throw this.#error;
    }
    try {
      this.#parser.end();
    } catch (e) {
      this.#fail(e);
    }
    return {
      compression: this.#compression!,
      blob: { digest: await this.receivedDigest(), size: this.#blobSize },
      tar: { digest: await this.#tarHash.digest(), size: this.#tarSize },
      entries: this.#parser.entries,
    };
  }

  /** Stops an unfinished ingest. */
  abort(): void {
    this.#error ??= new InvalidArgument('aborted');
    this.#gunzip?.destroy();
  }
}
