/**
 * @module util/tar/tar-split
 * Byte-exact reassembly of a tar from its extracted directory (what Docker keeps as
 * tar-split.json.gz). While a tar is extracted or packed, every raw byte (headers, PAX data,
 * padding, trailer) is recorded and each regular file's content is recorded as a reference
 * (path, size). Replaying the record with the files gives back the exact original stream, so
 * the layer's diffID still matches years later, whoever wrote the tar.
 *
 * File format: concatenated gzip members of records —
 *   'R' u32be length, bytes                      raw bytes
 *   'F' u16be pathLength, path, u32be hi, u32be lo   content of file #n (n counts F records)
 */
import { closeSync, createReadStream, fstatSync, openSync, read, writeSync, constants as C } from 'node:fs';
import { gzipSync, createGunzip } from 'node:zlib';
import { DataLoss } from '../../errdefs/index.js';

const FLUSH_AT = 1 << 20;

export class TarSplitWriter {
  readonly #fd: number;
  #out: Buffer[] = [];
  #outLen = 0;
  #raw: Buffer[] = [];
  #rawLen = 0;
  #files = 0;

  constructor(path: string) {
    this.#fd = openSync(path, C.O_WRONLY | C.O_CREAT | C.O_TRUNC, 0o600);
  }

  raw(b: Buffer): void {
    if (b.length === 0) return;
    // Copy: the caller may reuse its buffer.
    this.#raw.push(Buffer.from(b));
    this.#rawLen += b.length;
    if (this.#rawLen >= FLUSH_AT) this.#flushRaw();
  }

  /** Records the content of a regular file; returns its index (used for relocations). */
  file(path: string, size: number): number {
    this.#flushRaw();
    const p = Buffer.from(path);
    const rec = Buffer.alloc(1 + 2 + p.length + 8);
    rec[0] = 0x46;
    rec.writeUInt16BE(p.length, 1);
    p.copy(rec, 3);
    rec.writeUInt32BE(Math.floor(size / 0x100000000), 3 + p.length);
    rec.writeUInt32BE(size >>> 0, 7 + p.length);
    this.#emit(rec);
    return this.#files++;
  }

  #flushRaw(): void {
    if (this.#rawLen === 0) return;
    const head = Buffer.alloc(5);
    head[0] = 0x52;
    head.writeUInt32BE(this.#rawLen, 1);
    this.#emit(head);
    for (const r of this.#raw) this.#emit(r);
    this.#raw = [];
    this.#rawLen = 0;
  }

  #emit(b: Buffer): void {
    this.#out.push(b);
    this.#outLen += b.length;
    if (this.#outLen >= FLUSH_AT) this.#flushOut();
  }

  #flushOut(): void {
    if (this.#outLen === 0) return;
    const z = gzipSync(Buffer.concat(this.#out, this.#outLen), { level: 1 });
    let off = 0;
    while (off < z.length) off += writeSync(this.#fd, z, off);
    this.#out = [];
    this.#outLen = 0;
  }

  /** Writes what is pending and closes the file (the caller fsyncs the tree). */
  finish(): void {
    this.#flushRaw();
    this.#flushOut();
    closeSync(this.#fd);
  }

  /** Closes without completing (extraction failed). */
  abort(): void {
    try {
      closeSync(this.#fd);
    } catch {
      /* already closed */
    }
  }
}

/**
 * Read buffers ({@link READ_CHUNK} each) used again once nobody holds them: every holder of the
 * replayed stream reports how far it is (a stream offset below which it holds nothing), and a
 * buffer is taken again when all of them are past its end. Spares the garbage collector the
 * hundreds of megabytes a layer's file contents would otherwise allocate.
 */
export class ReadBuffers {
  readonly #free: Buffer[] = [];
  /** Buffers handed out, in stream order, with the offset their bytes end at. */
  readonly #out: { buf: Buffer; end: number }[] = [];
  readonly #released: () => number;

  /** `released`: the offset below which no byte of the stream is held any more. */
  constructor(released: () => number) {
    this.#released = released;
  }

  /** A buffer of `n` bytes (at most READ_CHUNK) for the stream's bytes up to offset `end`. */
  take(n: number, end: number): Buffer {
    if (this.#out.length > 0) {
      const released = this.#released();
      while (this.#out.length > 0 && this.#out[0]!.end <= released) this.#free.push(this.#out.shift()!.buf);
    }
    const buf = this.#free.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK);
    this.#out.push({ buf, end });
    return n === buf.length ? buf : buf.subarray(0, n);
  }
}

/** Where replay finds file #index recorded under `path` (absolute path to read). */
export type FileResolver = (index: number, path: string) => string;

const READ_CHUNK = 1 << 20;

/**
 * Replays a tar-split record: yields the exact tar stream. Files are opened without
 * following symlinks and must still have their recorded size (else DataLoss). File contents
 * are read into `buffers` when given (see {@link ReadBuffers}), into fresh buffers otherwise.
 */
export async function* replayTarSplit(splitPath: string, resolve: FileResolver, buffers?: ReadBuffers): AsyncGenerator<Buffer> {
  const gunzip = createReadStream(splitPath).pipe(createGunzip());
  let pending: Buffer = Buffer.alloc(0);
  let rawLeft = 0;
  let fileIndex = 0;
  let out: Buffer[] = [];
  let outLen = 0;
  /** Bytes yielded so far. */
  let offset = 0;
  const take = (b: Buffer) => {
    out.push(b);
    outLen += b.length;
  };
  const drain = (): Buffer => {
    const b = out.length === 1 ? out[0]! : Buffer.concat(out, outLen);
    out = [];
    offset += outLen;
    outLen = 0;
    return b;
  };
  for await (const c of gunzip) {
    pending = pending.length ? Buffer.concat([pending, c as Buffer]) : (c as Buffer);
    let off = 0;
    for (;;) {
      if (rawLeft > 0) {
        const n = Math.min(rawLeft, pending.length - off);
        if (n === 0) break;
        take(pending.subarray(off, off + n));
        rawLeft -= n;
        off += n;
        continue;
      }
      if (off >= pending.length) break;
      const kind = pending[off];
      if (kind === 0x52) {
        if (pending.length - off < 5) break;
        rawLeft = pending.readUInt32BE(off + 1);
        off += 5;
      } else if (kind === 0x46) {
        if (pending.length - off < 3) break;
        const plen = pending.readUInt16BE(off + 1);
        if (pending.length - off < 3 + plen + 8) break;
        const path = pending.toString('utf8', off + 3, off + 3 + plen);
        const size = pending.readUInt32BE(off + 3 + plen) * 0x100000000 + pending.readUInt32BE(off + 7 + plen);
        off += 3 + plen + 8;
        if (outLen > 0) yield drain();
        yield* readFile(resolve(fileIndex++, path), path, size, offset, buffers);
        offset += size;
      } else {
        throw new DataLoss(`corrupt tar-split record ${splitPath}`);
      }
      if (outLen >= READ_CHUNK) yield drain();
    }
    pending = off < pending.length ? Buffer.from(pending.subarray(off)) : Buffer.alloc(0);
    if (outLen >= READ_CHUNK) yield drain();
  }
  if (rawLeft > 0 || pending.length > 0) throw new DataLoss(`truncated tar-split record ${splitPath}`);
  if (outLen > 0) yield drain();
}

/** Reads of a file kept in flight ahead of the consumer (each {@link READ_CHUNK}). */
const READ_AHEAD = 3;

/** `buf.length` bytes of `fd` at `pos`, read on the thread pool; fewer only at the end of the file. */
function readAt(fd: number, buf: Buffer, pos: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const more = (): void =>
      read(fd, buf, got, buf.length - got, pos + got, (err, n) => {
        if (err) reject(err);
        else if (n === 0 || (got += n) === buf.length) resolve(got);
        else more();
      });
    more();
  });
}

/**
 * The file's bytes, read on the thread pool a few chunks ahead, so the event loop neither
 * waits for the disk nor spends its time copying from the page cache.
 */
async function* readFile(abs: string, path: string, size: number, offset: number, buffers: ReadBuffers | undefined): AsyncGenerator<Buffer> {
  let fd: number;
  try {
    fd = openSync(abs, C.O_RDONLY | C.O_NOFOLLOW);
  } catch (e) {
    throw new DataLoss(`layer content missing: ${path}: ${(e as Error).message}`, { cause: e });
  }
  const inflight: { buf: Buffer; done: Promise<number> }[] = [];
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== size) {
      throw new DataLoss(`layer content changed: ${path} has ${st.size} bytes, the layer recorded ${size}`);
    }
    let pos = 0;
    while (pos < size || inflight.length > 0) {
      while (inflight.length < READ_AHEAD && pos < size) {
        const n = Math.min(READ_CHUNK, size - pos);
        const buf = buffers ? buffers.take(n, offset + pos + n) : Buffer.allocUnsafe(n);
        const done = readAt(fd, buf, pos);
        // Awaited in order below; one failing while the consumer stopped is no unhandled rejection.
        done.catch(() => undefined);
        inflight.push({ buf, done });
        pos += buf.length;
      }
      const { buf, done } = inflight.shift()!;
      if ((await done) < buf.length) throw new DataLoss(`layer content changed: ${path} is shorter than recorded`);
      yield buf;
    }
  } finally {
    // No read may still use the descriptor when it is closed (and its number reused).
    await Promise.allSettled(inflight.map((r) => r.done));
    closeSync(fd);
  }
}
