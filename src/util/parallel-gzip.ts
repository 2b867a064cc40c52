/**
 * @module util/parallel-gzip
 * Deterministic gzip, compressed in parallel as pigz does it: the input is cut into fixed
 * 1 MiB chunks, each deflated on its own (in libuv's thread pool) with the previous 32 KiB
 * of input as its dictionary and a sync flush at its end, and the raw deflate streams are
 * joined under one gzip header and a CRC-32/size trailer. A chunk that does not compress
 * (byte entropy near 8 bits, e.g. already compressed files) is stored rather than searched,
 * which is what makes zlib slow on such data. The same input always gives the same bytes
 * (for a given zlib), whatever the timing, so a pushed layer keeps its blob digest.
 */
import { promisify } from 'node:util';
import { constants, deflateRaw as deflateRawCb, type ZlibOptions } from 'node:zlib';

const deflateRaw = promisify<Buffer, ZlibOptions, Buffer>(deflateRawCb);

export const GZIP_CHUNK = 1 << 20;
const WINDOW = 32 << 10;
/** Above this many bits per byte (of 8) a chunk is stored, not compressed. */
const STORE_ENTROPY = 7.9;

const CRC_TABLE = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC-32 (gzip's) of `buf`, continuing from `crc` (0 to start). Slicing by 8. */
export function crc32(buf: Uint8Array, crc = 0): number {
  const t = CRC_TABLE;
  let c = ~crc;
  let i = 0;
  const n = buf.length;
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
    c = t[7 * 256 + (a & 0xff)]! ^ t[6 * 256 + ((a >>> 8) & 0xff)]! ^ t[5 * 256 + ((a >>> 16) & 0xff)]! ^ t[4 * 256 + (a >>> 24)]! ^
      t[3 * 256 + buf[i + 4]!]! ^ t[2 * 256 + buf[i + 5]!]! ^ t[256 + buf[i + 6]!]! ^ t[buf[i + 7]!]!;
  }
  for (; i < n; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
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
  const MAX = 65535;
  const blocks = Math.max(1, Math.ceil(chunk.length / MAX));
  const out = Buffer.allocUnsafe(chunk.length + blocks * 5);
  let o = 0;
  for (let b = 0; b < blocks; b++) {
    const part = chunk.subarray(b * MAX, Math.min(chunk.length, (b + 1) * MAX));
    out[o++] = last && b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(part.length, o);
    out.writeUInt16LE(~part.length & 0xffff, o + 2);
    o += 4;
    part.copy(out, o);
    o += part.length;
  }
  return out;
}

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);

/** Compresses a byte stream to gzip; `parallel` chunks at a time. */
export async function* parallelGzip(source: AsyncIterable<Uint8Array>, opts: { level?: number; parallel?: number } = {}): AsyncGenerator<Buffer> {
  const level = opts.level ?? constants.Z_BEST_SPEED;
  const parallel = Math.max(1, opts.parallel ?? 4);
  let crc = 0;
  let size = 0;
  let prevTail: Buffer | undefined;
  const inflight: Promise<Buffer>[] = [];
  const start = (chunk: Buffer, last: boolean): void => {
    if (chunk.length === 0 || entropy(chunk) > STORE_ENTROPY) {
      inflight.push(Promise.resolve(storedBlocks(chunk, last)));
    } else {
      const o: ZlibOptions = {
        level,
        finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
        ...(prevTail ? { dictionary: prevTail } : {}),
      };
      inflight.push(deflateRaw(chunk, o));
    }
    prevTail = chunk.length >= WINDOW ? Buffer.from(chunk.subarray(chunk.length - WINDOW)) : Buffer.concat([prevTail ?? Buffer.alloc(0), chunk]).subarray(-WINDOW);
  };
  yield HEADER;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  for await (const data of source) {
    const b = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    crc = crc32(b, crc);
    size += b.length;
    pending.push(b);
    pendingLen += b.length;
    while (pendingLen >= GZIP_CHUNK) {
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
      start(all.subarray(0, GZIP_CHUNK), false);
      const rest = all.subarray(GZIP_CHUNK);
      pending = rest.length ? [rest] : [];
      pendingLen = rest.length;
      while (inflight.length >= parallel) yield await inflight.shift()!;
    }
  }
  start(pendingLen ? Buffer.concat(pending, pendingLen) : Buffer.alloc(0), true);
  while (inflight.length) yield await inflight.shift()!;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  yield trailer;
}
