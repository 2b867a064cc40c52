/**
 * @module util/parallel-gzip
 * Deterministic gzip, compressed in parallel as pigz does it: the input is cut into fixed
 * 1 MiB chunks, each deflated on its own (in libuv's thread pool) with the previous 32 KiB
 * of input as its dictionary and a sync flush at its end, and the raw deflate streams are
 * joined under one gzip header and a CRC-32/size trailer. Input that does not compress
 * (64 KiB segments of byte entropy near 8 bits, e.g. already compressed files) is stored
 * rather than searched, which is what makes zlib slow on such data. The same input always gives the same bytes
 * (for a given zlib), whatever the timing, so a pushed layer keeps its blob digest.
 */
import { promisify } from 'node:util';
import { constants, crc32 as zlibCrc32, deflateRaw as deflateRawCb, type ZlibOptions } from 'node:zlib';

const deflateRaw = promisify<Buffer, ZlibOptions, Buffer>(deflateRawCb);

export const GZIP_CHUNK = 1 << 20;
const WINDOW = 32 << 10;
/** Above this many bits per byte (of 8) a segment is stored, not compressed. */
const STORE_ENTROPY = 7.9;
/** The unit judged for storing: small enough that random files amid text are found. */
const SEGMENT = 64 << 10;

/** CRC-32 (gzip's) of `buf`, continuing from `crc` (0 to start): zlib's. */
export function crc32(buf: Uint8Array, crc = 0): number {
  return zlibCrc32(buf, crc);
}

/** Shannon entropy of a sample of `buf`, in bits per byte. */
export function entropy(buf: Uint8Array): number {
  const counts = new Uint32Array(256);
  // Every 16th byte is enough to tell random from structured data.
  let n = 0;
  for (let i = 0; i < buf.length; i += 16) {
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

/**
 * `chunk` as deflate stored blocks (at most 65535 bytes each), the last one final when `last`.
 * Every chunk ends byte-aligned (a sync flush or stored blocks), so a block starts on a byte.
 */
export function storedBlocks(chunk: Buffer, last: boolean): Buffer {
  return storedBlocksOf([chunk], chunk.length, last);
}

/** {@link storedBlocks} of consecutive pieces, copied once. */
function storedBlocksOf(pieces: Buffer[], len: number, last: boolean): Buffer {
  const MAX = 65535;
  const blocks = Math.max(1, Math.ceil(len / MAX));
  const out = Buffer.allocUnsafe(len + blocks * 5);
  let o = 0;
  let pi = 0;
  let po = 0;
  for (let b = 0; b < blocks; b++) {
    const n = Math.min(MAX, len - b * MAX);
    out[o++] = last && b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(n, o);
    out.writeUInt16LE(~n & 0xffff, o + 2);
    o += 4;
    for (let left = n; left > 0;) {
      const p = pieces[pi]!;
      const k = p.copy(out, o, po, Math.min(p.length, po + left));
      o += k;
      po += k;
      left -= k;
      if (po === p.length) {
        pi++;
        po = 0;
      }
    }
  }
  return out;
}

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);

/** Consecutive pieces as one buffer: the piece itself when there is one, else copied into `into`. */
function joinInto(pieces: Buffer[], len: number, into: () => Buffer): Buffer {
  if (pieces.length === 1) return pieces[0]!;
  const out = into().subarray(0, len);
  let o = 0;
  for (const p of pieces) o += p.copy(out, o);
  return out;
}

/**
 * Compresses a byte stream to gzip; `parallel` chunks at a time. Each chunk is gathered into
 * a reused buffer (fresh memory costs page faults, a reused one does not), then judged by
 * {@link SEGMENT}: runs of high-entropy segments are stored, the runs between them deflated,
 * each run ending byte-aligned, so random data costs a copy wherever it sits in the chunk.
 */
export async function* parallelGzip(source: AsyncIterable<Uint8Array>, opts: { level?: number; parallel?: number } = {}): AsyncGenerator<Buffer> {
  const level = opts.level ?? constants.Z_BEST_SPEED;
  const parallel = Math.max(1, opts.parallel ?? 4);
  let crc = 0;
  let size = 0;
  let prevTail: Buffer | undefined;
  const inflight: Promise<Buffer[]>[] = [];
  const pool: Buffer[] = [];
  const start = (pieces: Buffer[], len: number, last: boolean): void => {
    let pooled: Buffer | undefined;
    const chunk = joinInto(pieces, len, () => (pooled = pool.pop() ?? Buffer.allocUnsafeSlow(GZIP_CHUNK)));
    // Runs of segments of one kind: [start, end, stored].
    const runs: [number, number, boolean][] = [];
    for (let o = 0; o < len; o += SEGMENT) {
      const end = Math.min(len, o + SEGMENT);
      const stored = entropy(chunk.subarray(o, end)) > STORE_ENTROPY;
      const prev = runs[runs.length - 1];
      if (prev && prev[2] === stored) prev[1] = end;
      else runs.push([o, end, stored]);
    }
    if (runs.length === 0) runs.push([0, 0, true]);
    const parts = runs.map(([a, b, stored], i): Buffer | Promise<Buffer> => {
      const final = last && i === runs.length - 1;
      if (stored) return storedBlocks(chunk.subarray(a, b), final);
      const dict = a >= WINDOW ? chunk.subarray(a - WINDOW, a) : prevTail ? Buffer.concat([prevTail, chunk.subarray(0, a)]).subarray(-WINDOW) : chunk.subarray(0, a);
      return deflateRaw(chunk.subarray(a, b), {
        level,
        finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
        ...(dict.length > 0 ? { dictionary: dict } : {}),
      });
    });
    const done = Promise.all(parts);
    if (pooled) {
      const buf = pooled;
      done.then(() => pool.push(buf), () => undefined);
    }
    inflight.push(done);
    prevTail = len >= WINDOW || !prevTail ? Buffer.from(chunk.subarray(Math.max(0, len - WINDOW), len)) : Buffer.concat([prevTail, chunk.subarray(0, len)]).subarray(-WINDOW);
  };
  yield HEADER;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  for await (const data of source) {
    let b = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    crc = zlibCrc32(b, crc);
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
        while (inflight.length >= parallel) yield* await inflight.shift()!;
      }
    }
  }
  start(pending.length ? pending : [Buffer.alloc(0)], pendingLen, true);
  while (inflight.length) yield* await inflight.shift()!;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  yield trailer;
}
