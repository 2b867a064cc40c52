import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WarmPool, type WarmSource } from './warm-pool.js';

/** A source whose makes finish when the test says so; it records what was made and released. */
function source() {
  let n = 0;
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const released: number[] = [];
  const src: WarmSource<number> = {
    make: () => new Promise<number>((resolve, reject) => pending.push({ resolve, reject })),
    release: async (e) => void released.push(e),
  };
  const tick = () => new Promise((r) => setImmediate(r));
  return {
    src,
    released,
    /** How many makes are under way. */
    making: () => pending.length,
    finish: async () => {
      pending.shift()!.resolve(++n);
      await tick();
    },
    /** Closes the pool, finishing the make under way (close waits for it). */
    close: async (pool: WarmPool<number>) => {
      const closed = pool.close();
      while (pending.length) pending.shift()!.resolve(++n);
      await closed;
    },
    fail: async () => {
      pending.shift()!.reject(new Error('no'));
      await tick();
    },
  };
}

test('fills up to its size, one make at a time, and not before start', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 2 });
  assert.equal(s.making(), 0);
  assert.equal(await pool.take(), undefined, 'nothing before start');
  pool.start();
  assert.equal(s.making(), 1);
  await s.finish();
  assert.equal(pool.ready, 1);
  assert.equal(s.making(), 1, 'the next one after the first');
  await s.finish();
  assert.equal(pool.ready, 2);
  assert.equal(s.making(), 0, 'full');
  await s.close(pool);
});

test('take hands out ready entries in order and refills', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 2 });
  pool.start();
  await s.finish();
  await s.finish();
  assert.equal(await pool.take(), 1);
  assert.equal(s.making(), 1, 'refilling');
  assert.equal(await pool.take(), 2);
  assert.equal(pool.ready, 0);
  await s.finish();
  assert.equal(await pool.take(), 3);
  await s.close(pool);
});

test('with none ready, take waits for the one being made; a second taker gets none', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 1 });
  pool.start();
  const first = pool.take();
  const second = pool.take();
  await s.finish();
  assert.equal(await first, 1);
  assert.equal(await second, undefined);
  await s.close(pool);
});

test('a failed make is reported and retried later, not at once', async () => {
  const s = source();
  const errors: string[] = [];
  // A retry delay far above a loaded machine's timer lag, and no fixed wait for the retry.
  const pool = new WarmPool(s.src, { size: 1, retryMs: 400, onError: (what) => errors.push(what) });
  pool.start();
  // The clock is read before the failure: read after it, it may be read late (a process kept off
  // the CPU after the pool set its timer; "retried after 259 ms" under load).
  const failedAt = Date.now();
  await s.fail();
  assert.deepEqual(errors, ['make']);
  assert.equal(s.making(), 0, 'no retry at once');
  while (s.making() === 0 && Date.now() - failedAt < 10_000) await new Promise((r) => setTimeout(r, 10));
  assert.equal(s.making(), 1, 'retried');
  assert.ok(Date.now() - failedAt >= 350, `retried after ${Date.now() - failedAt} ms, not at once`);
  await s.finish();
  assert.equal(await pool.take(), 1);
  await s.close(pool);
});

test('a take after a failed make finds none, and starts the next make without waiting for the retry', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 1, retryMs: 60_000, onError: () => {} });
  pool.start();
  await s.fail();
  assert.equal(s.making(), 0);
  assert.equal(await pool.take(), undefined);
  assert.equal(s.making(), 1);
  await s.finish();
  assert.equal(await pool.take(), 1);
  await s.close(pool);
});

test('close releases what is ready and what was being made, and stops refilling', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 2 });
  pool.start();
  await s.finish();
  const closed = pool.close();
  await s.finish();
  await closed;
  assert.deepEqual(s.released.sort(), [1, 2]);
  assert.equal(s.making(), 0);
  assert.equal(await pool.take(), undefined);
});

test('giveBack keeps an unused entry while there is room, else releases it', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 1 });
  pool.start();
  await s.finish();
  const e = (await pool.take())!;
  pool.giveBack(e);
  assert.equal(pool.ready, 1);
  await s.finish();
  assert.deepEqual(s.released, [2], 'the refill made one too many: released');
  pool.giveBack(99);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(s.released, [2, 99], 'full: the newest goes (no order given)');
  await s.close(pool);
  assert.deepEqual(s.released, [2, 99, 1]);
});

test('take goes by compare order; a full pool keeps the first in that order', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 3, compare: (a, b) => b - a });
  pool.start();
  await s.finish();
  await s.finish();
  await s.finish();
  assert.equal(await pool.take(), 3, 'the highest first');
  pool.giveBack(7);
  assert.equal(await pool.take(), 7);
  pool.giveBack(9);
  pool.giveBack(8);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(s.released, [1], 'full: the last in order goes');
  assert.equal(await pool.take(), 9);
  await s.close(pool);
});

test('the refill waits refillDelayMs while some are ready, and an entry given back meanwhile takes the place', async () => {
  const s = source();
  const pool = new WarmPool(s.src, { size: 2, refillDelayMs: 40 });
  pool.start();
  await s.finish();
  await s.finish();
  const e = (await pool.take())!;
  assert.equal(s.making(), 0, 'not at once');
  pool.giveBack(e);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(s.making(), 0, 'full again: nothing to make');
  assert.deepEqual([await pool.take(), e], [2, 1], 'the oldest first (no order given)');
  assert.equal(s.making(), 0, 'one left: not at once');
  const end = Date.now() + 10_000;
  while (s.making() === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  assert.equal(s.making(), 1, 'refilled after the delay');
  await s.finish();
  await pool.take();
  await pool.take();
  assert.equal(s.making(), 1, 'none left: refilling at once');
  await s.close(pool);
});
