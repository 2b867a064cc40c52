/**
 * @module builder/context/receive-tar
 * Receives a build context sent as a tar stream (plain or gzip, as the docker CLI sends it
 * with or without `--compress`): extracts it into a private directory of the daemon and hashes
 * every regular file on the way, so COPY never reads a file twice to compute its checksum.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { InvalidArgument } from '../../errdefs/index.js';
import { Extractor } from '../../util/tar/extract.js';
import { TarIngest } from '../../util/tar/ingest.js';
import { cleanEntryName } from '../../util/tar/paths.js';
import type { TarHandler, TarHeader } from '../../util/tar/types.js';
import { tarsumHash, typeflagOf } from './tarsum.js';

/**
 * Wraps the extractor: passes everything on, hashes each regular file's content, and notes
 * where the last entry's content ended (the docker CLI's `-f -` stream stops right after the
 * Dockerfile's content, without padding or end blocks, which dockerd accepts).
 */
class HashingHandler implements TarHandler {
  readonly digests = new Map<string, string>();
  /** The legacy builder's per-entry checksums (see tarsum.ts), by root-relative path. */
  readonly tarsums = new Map<string, string>();
  readonly #inner: Extractor;
  #current: { rel: string; hash: Hash } | undefined;
  #sum: { rel: string; hash: Hash } | undefined;
  #open = false;
  #bytes = 0;
  #lastEnd = 0;
  #lastPadding = 0;
  #size = 0;

  constructor(inner: Extractor) {
    this.#inner = inner;
  }

  /** Whether the stream stopped inside the padding after the last entry's content. */
  endsInPadding(): boolean {
    return !this.#open && this.#bytes - this.#lastEnd < this.#lastPadding;
  }

  raw(b: Buffer): void {
    this.#bytes += b.length;
    this.#inner.raw(b);
  }

  entry(h: TarHeader): void {
    this.#open = true;
    this.#size = h.size;
    this.#inner.entry(h);
    this.#current = h.type === 'file' ? { rel: cleanEntryName(h.name), hash: createHash('sha256') } : undefined;
    const sum = tarsumHash({
      name: h.name, mode: h.mode, uid: h.uid, gid: h.gid, size: h.size, typeflag: typeflagOf(h.type), linkname: h.linkname,
      uname: h.uname, gname: h.gname, devmajor: h.devmajor, devminor: h.devminor, xattrs: h.xattrs,
    });
    this.#sum = { rel: cleanEntryName(h.name), hash: sum };
    if (h.type !== 'file') {
      // A later non-file entry replaces an earlier file of the same name.
      this.digests.delete(cleanEntryName(h.name));
    }
  }

  data(chunk: Buffer): void {
    this.#bytes += chunk.length;
    this.#inner.data(chunk);
    this.#current?.hash.update(chunk);
    this.#sum?.hash.update(chunk);
  }

  entryEnd(): void {
    this.#open = false;
    this.#lastEnd = this.#bytes;
    this.#lastPadding = (512 - (this.#size % 512)) % 512;
    this.#inner.entryEnd();
    if (this.#current) this.digests.set(this.#current.rel, `sha256:${this.#current.hash.digest('hex')}`);
    this.#current = undefined;
    if (this.#sum) this.tarsums.set(this.#sum.rel, this.#sum.hash.digest('hex'));
    this.#sum = undefined;
  }
}

export interface ReceivedContext {
  /** Bytes of the stream as received. */
  size: number;
  /** Content digests of the regular files, by root-relative path. */
  digests: Map<string, string>;
  /** The legacy builder's checksum of every entry, by root-relative path. */
  tarsums: Map<string, string>;
}

/** Extracts a context tar into `dir` (created), hashing its files. */
export async function receiveContextTar(source: AsyncIterable<Buffer>, dir: string): Promise<ReceivedContext> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ex = new Extractor(dir, { whiteouts: 'literal' });
  const handler = new HashingHandler(ex);
  const ingest = new TarIngest(handler);
  let size = 0;
  let any = false;
  try {
    for await (const chunk of source) {
      if (chunk.length === 0) continue;
      any = true;
      size += chunk.length;
      const wait = ingest.write(chunk);
      if (wait) await wait;
    }
    // An empty body is an empty context (Dockerfile from elsewhere): nothing to extract.
    if (any) {
      try {
        await ingest.end();
      } catch (e) {
        if (!(e instanceof InvalidArgument && handler.endsInPadding())) throw e;
      }
    }
    ex.finish();
  } catch (e) {
    ingest.abort();
    ex.abort();
    throw e;
  }
  return { size, digests: handler.digests, tarsums: handler.tarsums };
}
