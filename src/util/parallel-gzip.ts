/**
 * @module util/parallel-gzip
 * Deterministic gzip, compressed in parallel as pigz does it: the input is cut into fixed
 * 1 MiB chunks, each deflated on its own (in libuv's thread pool) with the previous 32 KiB
 * of input as its dictionary and a sync flush at its end, and the raw deflate streams are
 * joined under one gzip header and a CRC-32/size trailer. Input that does not compress
 * (64 KiB segments of byte entropy near 8 bits, e.g. already compressed files) is stored
 * rather than searched, which is what makes zlib slow on such data. The same input always gives the same bytes
 * (for a given zlib), whatever the timing, so a pushed layer keeps its blob digest.
 *
 * A chunk is one job of the native addon (`gzipChunk`, native/addon.c) on the thread pool:
 * gathering its pieces, judging its segments, storing or deflating (with the zlib node:zlib
 * uses, called the way node:zlib calls it) and its CRC-32, which the event loop only joins
 * (`crc32Combine`). So the event loop spends nothing per byte here.
 */
import { constants, crc32 as zlibCrc32 } from 'node:zlib';
import { native } from './native.js';

export const GZIP_CHUNK = 1 << 20;
/** The unit judged for storing: small enough that random files amid text are found. */
export const SEGMENT = 64 << 10;
/** One byte in this many is sampled for a segment's entropy. */
const SAMPLE = 16;

/** CRC-32 (gzip's) of `buf`, continuing from `crc` (0 to start): zlib's. */
export function crc32(buf: Uint8Array, crc = 0): number {
  return zlibCrc32(buf, crc);
}

/**
 * Shannon entropy of a sample of `buf`, in bits per byte. Above 7.9 a segment is stored; the
 * native chunk job sums the same terms ({@link entropyTable}) in the same order.
 */
export function entropy(buf: Uint8Array): number {
  const counts = new Uint32Array(256);
  // Every 16th byte is enough to tell random from structured data.
  let n = 0;
  for (let i = 0; i < buf.length; i += SAMPLE) {
    counts[buf[i]!]!++;
    n++;
  }
  if (n === 0) return 0;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Entry c: the term `p * Math.log2(p)` (p = c/n) of {@link entropy} for a sample of n bytes. */
export function entropyTable(n: number): Float64Array {
  const t = new Float64Array(n + 1);
  for (let c = 1; c <= n; c++) {
    const p = c / n;
    t[c] = p * Math.log2(p);
  }
  return t;
}

let fullTable: Float64Array | undefined;

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);

/**
 * Compresses a byte stream to gzip; `parallel` chunks at a time. The source's buffers are read
 * later, on the thread pool: they must not change once yielded (streams and sockets yield
 * fresh ones). Each chunk is judged by {@link SEGMENT}: runs of high-entropy segments are
 * stored, the runs between them deflated, each run ending byte-aligned.
 */
export async function* parallelGzip(
  source: AsyncIterable<Uint8Array>,
  opts: {
    level?: number;
    parallel?: number;
    /**
     * Told, as it rises, how many bytes from the start of the input this no longer holds (the
     * source may then use their buffers again).
     */
    onConsumed?: (bytes: number) => void;
  } = {},
): AsyncGenerator<Buffer> {
  const level = opts.level ?? constants.Z_BEST_SPEED;
  const parallel = Math.max(1, opts.parallel ?? 4);
  const addon = native();
  fullTable ??= entropyTable(SEGMENT / SAMPLE);
  let crc = 0;
  let size = 0;
  let prev: Buffer[] | null = null;
  /** Input bytes given to chunk jobs so far. */
  let started = 0;
  const inflight: { done: Promise<[Buffer, number]>; len: number; start: number }[] = [];
  const start = (pieces: Buffer[], len: number, last: boolean): void => {
    const rest = len % SEGMENT;
    const done = addon.gzipChunk(pieces, prev, level, last, fullTable!, rest ? entropyTable(Math.ceil(rest / SAMPLE)) : null);
    // Awaited in order below; a generator abandoned early leaves no unhandled rejection.
    done.catch(() => undefined);
    inflight.push({ done, len, start: started });
    started += len;
    prev = pieces;
  };
  const next = async (): Promise<Buffer> => {
    const { done, len, start } = inflight.shift()!;
    const [out, c] = await done;
    crc = addon.crc32Combine(crc, c, len);
    // This chunk's pieces are the next job's dictionary still; everything before them is free.
    opts.onConsumed?.(start);
    return out;
  };
  yield HEADER;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  for await (const data of source) {
    let b = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    size += b.length;
    while (b.length > 0) {
      const take = Math.min(b.length, GZIP_CHUNK - pendingLen);
      pending.push(take === b.length ? b : b.subarray(0, take));
      pendingLen += take;
      b = b.subarray(take);
      if (pendingLen === GZIP_CHUNK) {
        start(pending, pendingLen, false);
        pending = [];
        pendingLen = 0;
        while (inflight.length >= parallel) yield await next();
      }
    }
  }
  start(pending, pendingLen, true);
  while (inflight.length) yield await next();
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  yield trailer;
}
