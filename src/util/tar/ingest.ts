/**
 * @module util/tar/ingest
 * Feeds a possibly compressed tar stream to a {@link TarHandler} while hashing it: the digest
 * of the bytes as received (a blob digest) and of the uncompressed tar (the diffID). gzip is
 * recognized by its magic number and inflated on the way; plain tars pass straight through
 * without a copy. `write` returns a promise only when the inflater asks the caller to wait.
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createGunzip, type Gunzip } from 'node:zlib';
import { InvalidArgument } from '../../errdefs/index.js';
import { assertSupported, detectCompression, MAGIC_BYTES, type Compression } from './compression.js';
import { TarParser } from './parser.js';
import type { TarHandler } from './types.js';

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
  readonly #blobHash: Hash = createHash('sha256');
  readonly #tarHash: Hash = createHash('sha256');
  #blobSize = 0;
  #tarSize = 0;
  #head: Buffer[] = [];
  #headLen = 0;
  #compression: Compression | undefined;
  #gunzip: Gunzip | undefined;
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
    if (this.#compression === undefined) {
      this.#head.push(chunk);
      this.#headLen += chunk.length;
      if (this.#headLen < MAGIC_BYTES) return;
      return this.#start();
    }
    return this.#feed(chunk);
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
    if (!g.write(chunk)) {
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

  /** Ends the stream; resolves with the digests once everything was handled. */
  async end(): Promise<IngestResult> {
    if (this.#error) throw this.#error;
    if (this.#compression === undefined) {
      if (this.#headLen === 0) throw new InvalidArgument('empty archive: expected a tar stream');
      await this.#start();
    }
    const g = this.#gunzip;
    if (g) {
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
      blob: { digest: `sha256:${this.#blobHash.digest('hex')}`, size: this.#blobSize },
      tar: { digest: `sha256:${this.#tarHash.digest('hex')}`, size: this.#tarSize },
      entries: this.#parser.entries,
    };
  }

  /** Stops an unfinished ingest. */
  abort(): void {
    this.#error ??= new InvalidArgument('aborted');
    this.#gunzip?.destroy();
  }
}
