import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { deflateRawSync, gunzipSync } from 'node:zlib';
import { native } from './native.js';
import { crc32, entropy, GZIP_CHUNK, parallelGzip } from './parallel-gzip.js';

async function gz(data: Buffer, pieces: number[], parallel = 4): Promise<Buffer> {
  async function* src() {
    let off = 0;
    for (let i = 0; off < data.length; i++) {
      const n = pieces[i % pieces.length]!;
      yield data.subarray(off, off + n);
      off += n;
    }
  }
  const out: Buffer[] = [];
  for await (const b of parallelGzip(src(), { parallel })) out.push(b);
  return Buffer.concat(out);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('crc32 matches the known values', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
  const b = randomBytes(1000);
  assert.equal(crc32(b.subarray(300), crc32(b.subarray(0, 300))), crc32(b));
});

test("the chunk job's CRC-32 is zlib's, at every length and alignment", () => {
  const b = randomBytes(300_000);
  for (let len = 0; len < 300; len++) {
    for (const off of [0, 1, 7, 15]) {
      const s = b.subarray(off, off + len);
      assert.equal(native().crc32(s, 0), crc32(s));
      assert.equal(native().crc32(s, 0x12345678), crc32(s, 0x12345678));
    }
  }
  for (const len of [1000, 4096 + 13, 65_536, 299_990]) assert.equal(native().crc32(b.subarray(3, 3 + len), 0), crc32(b.subarray(3, 3 + len)));
  const big = b.subarray(0, 250_000);
  assert.equal(native().crc32Combine(crc32(big.subarray(0, 100_001)), crc32(big.subarray(100_001)), big.length - 100_001), crc32(big));
});

test('entropy tells random from text', () => {
  assert.ok(entropy(randomBytes(1 << 20)) > 7.9);
  assert.ok(entropy(Buffer.alloc(1 << 20, 'some text here\n')) < 5);
});

test('round trips and is deterministic whatever the input pieces and parallelism', async () => {
  const text = Buffer.alloc(3 * GZIP_CHUNK + 12345, 'berth deterministic gzip line\n');
  const mixed = Buffer.concat([text.subarray(0, GZIP_CHUNK + 7), randomBytes(2 * GZIP_CHUNK), text.subarray(0, 5000)]);
  for (const data of [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(GZIP_CHUNK, 1), text, mixed]) {
    const a = await gz(data, [65536]);
    const b = await gz(data, [1, 99_999, 3 * GZIP_CHUNK], 1);
    assert.equal(sha(a), sha(b));
    assert.ok(gunzipSync(a).equals(data));
  }
  const t = await gz(text, [1 << 16]);
  assert.ok(t.length < text.length / 20, 'text still compresses across chunks');
});

test('random files amid text inside one chunk: stored runs and deflated runs join into one valid stream', async () => {
  const line = Buffer.from('text between random files, compressible\n');
  const parts: Buffer[] = [];
  // Runs of random and text of odd sizes, so runs start before and after the 32 KiB window.
  for (const n of [1000, 70_000, 20_000, 150_000, 65_536, 33_000, 300_000, 5]) {
    parts.push(randomBytes(n), Buffer.alloc(n, line));
  }
  const data = Buffer.concat(parts);
  const a = await gz(data, [4096, 1 << 20]);
  const b = await gz(data, [777], 2);
  assert.equal(sha(a), sha(b));
  assert.ok(gunzipSync(a).equals(data));
  const random = parts.filter((_, i) => i % 2 === 0).reduce((n, p) => n + p.length, 0);
  assert.ok(a.length < random * 1.05, 'text runs beside random ones still compress');
});

/** `n` bytes that look random but are the same on every run (SHA-256 of a counter). */
function pseudoRandom(n: number, seed: string): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let o = 0, i = 0; o < n; i++) o += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, o);
  return out;
}

test('the output is pinned: a pushed layer keeps its blob digest across berth versions', async () => {
  // Any change to the format (chunking, level, the stored/deflated choice, block layout,
  // header) changes these digests; they may change only with Node's zlib itself.
  const line = (k: number | string) => Buffer.from(`pinned gzip input, line kind ${k}: the quick brown fox jumps over the lazy dog\n`);
  const parts: Buffer[] = [];
  [5000, 70_000, 300_000, 65_536, 1_200_000, 33_000, 150_000, 1].forEach((n, i) => parts.push(pseudoRandom(n, String(i)), Buffer.alloc(n + 777 * i, line(i))));
  const mixed = Buffer.concat(parts);
  // Two whole chunks: the last chunk is empty.
  const exact = Buffer.concat([pseudoRandom(GZIP_CHUNK - 40_000, 'x'), Buffer.alloc(GZIP_CHUNK + 40_000, line('x'))]);
  const cases: [Buffer, number, string][] = [
    [mixed, 1839373, '925ff9bdc7972357ac751b35061021cb6863b3e058e4da98e16d2fea73536885'],
    [exact, 1016384, '52ba9e6d98ac8605cc484c58133b06c28dcf92e077440729fbd2163236a45ef0'],
    [Buffer.from('x'), 21, '5e59f6a6ade59da906eaee8bb73bf797aad45c04291ba75fb7c1a42d56e2592e'],
    [Buffer.alloc(0), 23, '5c48a1ad421525c99c7627bd93b1ee8cc2a80e1167d7f8d091bec8caa20ceddb'],
  ];
  for (const [data, size, digest] of cases) {
    for (const pieces of [[100_000], [GZIP_CHUNK], [1, 65_535, 3 * GZIP_CHUNK]]) {
      const a = await gz(data, pieces);
      assert.equal(a.length, size);
      assert.equal(sha(a), digest);
      assert.ok(gunzipSync(a).equals(data));
    }
  }
});

test('a chunk that compresses is deflated as node:zlib deflates it', async () => {
  // One chunk, one deflated run, no dictionary, finished: node:zlib's deflateRaw exactly.
  const data = Buffer.concat([Buffer.alloc(300_000, 'text that node:zlib and the native chunk job deflate alike\n'), pseudoRandom(20_000, 'd')]);
  for (const level of [1, 6, 9]) {
    const out: Buffer[] = [];
    for await (const b of parallelGzip((async function* () { yield data; })(), { level })) out.push(b);
    const gz = Buffer.concat(out);
    assert.ok(gz.subarray(10, -8).equals(deflateRawSync(data, { level })));
    assert.equal(gz.readUInt32LE(gz.length - 8), crc32(data));
  }
});

test('onConsumed: input below the offset it reports is never read again', async () => {
  // A source whose buffers are overwritten as soon as parallelGzip says it is past them: the
  // output must still be that of the untouched input.
  const line = Buffer.from('consumed input may be overwritten at once\n');
  const data = Buffer.concat([pseudoRandom(3 * GZIP_CHUNK + 5000, 'c'), Buffer.alloc(2 * GZIP_CHUNK + 777, line), pseudoRandom(GZIP_CHUNK, 'e')]);
  const expected = await gz(data, [GZIP_CHUNK]);
  for (const [size, parallel] of [[100_000, 1], [100_000, 4], [1 << 20, 1], [3 << 20, 2]] as const) {
    const given: { buf: Buffer; end: number }[] = [];
    let consumed = 0;
    async function* src() {
      for (let o = 0; o < data.length; o += size) {
        const buf = Buffer.from(data.subarray(o, o + size));
        given.push({ buf, end: o + buf.length });
        yield buf;
      }
    }
    const out: Buffer[] = [];
    for await (const b of parallelGzip(src(), {
      parallel,
      onConsumed: (n) => {
        assert.ok(n >= consumed, 'it only rises');
        consumed = n;
        for (const g of given) if (g.end <= n) g.buf.fill(0xa5);
      },
    })) out.push(b);
    assert.ok(consumed > 0);
    assert.ok(Buffer.concat(out).equals(expected));
  }
});
