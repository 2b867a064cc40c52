import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
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
