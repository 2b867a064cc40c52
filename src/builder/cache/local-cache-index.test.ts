import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Digest } from '../../image/digest.js';
import { cacheKey } from '../cache-key.js';
import { LocalCacheIndex } from './local-cache-index.js';

const root = mkdtempSync(join(tmpdir(), 'berth-cache-index-'));
after(() => rmSync(root, { recursive: true, force: true }));

const img = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const key = (instruction: string) => cacheKey({ parent: '', instruction, args: [], sources: [], config: '', extra: [] });

test('records list with their uses; uses survive a new index (flushed); remove forgets; start-up drops what is gone', async () => {
  const images = new Set([img('a'), img('b')]);
  const idx = new LocalCacheIndex(root, (id) => images.has(id));
  const k1 = key('RUN one');
  const k2 = key('RUN two');
  await idx.record(k1, img('a'));
  await idx.record(k2, img('b'));
  assert.equal(await idx.lookup(k1), img('a'));
  assert.equal(await idx.lookup(k1), img('a'));
  const list = await idx.list();
  assert.equal(list.length, 2);
  const e1 = list.find((e) => e.key === k1.digest)!;
  assert.equal(e1.usage, 3);
  assert.ok(e1.lastUsed && !Number.isNaN(Date.parse(e1.lastUsed)));
  assert.equal(list.find((e) => e.key === k2.digest)!.usage, 1);
  await idx.flush();

  const again = new LocalCacheIndex(root, (id) => images.has(id));
  assert.equal((await again.list()).find((e) => e.key === k1.digest)!.usage, 3);
  // Recorded again (a rebuild): the uses start over.
  await again.record(k1, img('a'));
  assert.equal((await again.list()).find((e) => e.key === k1.digest)!.usage, 1);

  assert.equal(await again.remove(k2.digest), true);
  assert.equal(await again.remove(k2.digest), false);
  assert.equal(await again.lookup(k2), undefined);
  assert.deepEqual((await again.list()).map((e) => e.key), [k1.digest]);

  // The image goes: the record is a miss, unlisted, and start-up drops it and a leftover temp file.
  images.delete(img('a'));
  writeFileSync(join(root, 'keys', '.x.json.123.tmp'), '{');
  assert.deepEqual(await again.list(), []);
  assert.equal(await again.prune(), 2);
  assert.deepEqual(readdirSync(join(root, 'keys')), []);
});
