import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { AsyncSha256, HIGH_WATER, MIN_BATCH } from './async-sha256.js';

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

test('hashes nothing, one byte, and a Uint8Array view as node:crypto does', async () => {
  assert.equal(await new AsyncSha256().digest(), sha(Buffer.alloc(0)));
  const one = new AsyncSha256();
  one.update(Buffer.from('x'));
  assert.equal(await one.digest(), sha(Buffer.from('x')));
  const base = randomBytes(1000);
  const view = new Uint8Array(base.buffer, base.byteOffset + 10, 500);
  const h = new AsyncSha256();
  h.update(view);
  assert.equal(h.size, 500);
  assert.equal(await h.digest(), sha(view));
});

test('keeps the order of many pieces across batches, and waits when too much is queued', async () => {
  const data = randomBytes(HIGH_WATER + 3 * MIN_BATCH + 12345);
  const h = new AsyncSha256();
  for (let off = 0; off < data.length;) {
    // Odd piece sizes, some larger than a batch.
    const n = off % 7 === 0 ? MIN_BATCH + 17 : 65_536 + (off % 1000);
    h.update(data.subarray(off, off + n));
    const w = h.backlog();
    if (w) await w;
    off += n;
  }
  assert.equal(await h.digest(), sha(data));
  assert.equal(h.size, data.length);
  // A second digest is the same answer; an update after it is refused.
  assert.equal(await h.digest(), sha(data));
  assert.throws(() => h.update(Buffer.from('late')), /after digest/);
});

test('asks a producer that outruns the thread pool to wait', async () => {
  const h = new AsyncSha256();
  const big = randomBytes(HIGH_WATER / 4);
  let wait: void | Promise<void>;
  let n = 0;
  do {
    h.update(big);
    wait = h.backlog();
    n++;
  } while (!wait && n < 100);
  assert.ok(wait instanceof Promise, 'a promise once more than HIGH_WATER bytes wait');
  await wait;
  assert.equal(await h.digest(), sha(Buffer.concat(Array.from({ length: n }, () => big))));
});
