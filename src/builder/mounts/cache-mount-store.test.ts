import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CacheMountStore } from './cache-mount-store.js';

describe('CacheMountStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-cachemounts-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('hands out one directory per id, fresh the first time, kept afterwards', async () => {
    const s = new CacheMountStore(join(root, 'a'));
    const one = await s.acquire('/root/.cache', 'shared');
    assert.equal(one.fresh, true);
    writeFileSync(join(one.path, 'f'), 'x');
    one.release();
    const two = await s.acquire('/root/.cache', 'shared');
    assert.equal(two.fresh, false);
    assert.equal(two.path, one.path);
    two.release();
    const list = await s.list();
    assert.equal(list.length, 1);
    assert.equal(list[0]!.id, '/root/.cache');
    assert.ok(list[0]!.size > 0);
    assert.equal(list[0]!.inUse, false);
  });

  it('locked: one holder at a time, in arrival order; shared: together; private: another instance', async () => {
    const s = new CacheMountStore(join(root, 'b'));
    const order = [] as string[];
    const first = await s.acquire('x', 'locked');
    const second = s.acquire('x', 'locked').then((c) => {
      order.push('second');
      return c;
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(order.length, 0, 'the second waits while the first holds it');
    order.push('first-release');
    first.release();
    (await second).release();
    assert.deepEqual(order, ['first-release', 'second']);
    const a = await s.acquire('x', 'shared');
    const b = await s.acquire('x', 'shared');
    assert.equal(a.path, b.path);
    const p = await s.acquire('x', 'private');
    assert.notEqual(p.path, a.path, 'private gets an instance nobody holds');
    for (const c of [a, b, p]) c.release();
  });

  it('remove deletes what is not in use; recover drops half-made instances', async () => {
    const s = new CacheMountStore(join(root, 'c'));
    (await s.acquire('gone', 'shared')).release();
    const held = await s.acquire('held', 'shared');
    const removed = await s.remove();
    assert.deepEqual(removed.map((c) => c.id), ['gone']);
    assert.deepEqual((await s.list()).map((c) => c.id), ['held']);
    held.release();
    mkdirSync(join(root, 'c', 'tmp-leftover'));
    await s.recover();
    assert.ok(!existsSync(join(root, 'c', 'tmp-leftover')));
  });
});
