import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DigestCache } from './digest-cache.js';
import { DirContext } from './dir-context.js';

const roots: string[] = [];
function dir(): string {
  const r = mkdtempSync(join(tmpdir(), 'berth-dirctx-test-'));
  roots.push(r);
  return r;
}

describe('DirContext', () => {
  after(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('hides excluded paths but shows excluded directories that hold re-included ones', () => {
    const root = dir();
    mkdirSync(join(root, 'logs/deep'), { recursive: true });
    writeFileSync(join(root, 'logs/a.log'), 'a');
    writeFileSync(join(root, 'logs/deep/keep.log'), 'k');
    writeFileSync(join(root, 'top.txt'), 't');
    const excluded = (rel: string) => rel === 'logs' || (rel.startsWith('logs/') && rel !== 'logs/deep/keep.log');
    const ctx = new DirContext(root, { filter: { excluded, mayReinclude: (d) => d === 'logs' || d === 'logs/deep' } });
    assert.deepEqual(ctx.readdir(''), ['logs', 'top.txt']);
    assert.deepEqual(ctx.readdir('logs'), ['deep']);
    assert.equal(ctx.lstat('logs/a.log'), undefined);
    assert.equal(ctx.lstat('logs/deep/keep.log')?.type, 'file');
    assert.equal(ctx.lstat('logs')?.type, 'dir');
  });

  it('remembers digests by stat, but not for files hashed right after they changed', async () => {
    const root = dir();
    const file = join(root, 'f');
    writeFileSync(file, 'one');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const cacheFile = join(root, 'cache.json');
    const c1 = new DirContext(root, { cache: new DigestCache(cacheFile) });
    const d1 = await c1.fileDigest(c1.lstat('f')!);
    await c1.dispose();
    // Same stat: the remembered digest is used even though the content is replaced behind it.
    const st = lstatSync(file);
    // File times are coarse (a clock tick): on a fast machine the write below could otherwise get
    // the same ctime as the one remembered.
    while (Date.now() - st.ctimeMs < 20) await new Promise((r) => setTimeout(r, 5));
    writeFileSync(file, 'two');
    utimesSync(file, st.atime, st.mtime);
    const cache2 = await new DigestCache(cacheFile).load();
    const c2 = new DirContext(root, { cache: cache2 });
    // ctime changed with the write: the digest is computed again.
    assert.notEqual(await c2.fileDigest(c2.lstat('f')!), d1);
    // A file modified just before hashing is not trusted next time. Its mtime is set ahead of the
    // clock: a loaded machine may take longer than the 50 ms margin between the write and the hashing.
    writeFileSync(file, 'three');
    const soon = new Date(Date.now() + 60_000);
    utimesSync(file, soon, soon);
    const c3 = new DirContext(root, { cache: cache2 });
    const d3 = await c3.fileDigest(c3.lstat('f')!);
    assert.equal(cache2.get('f', lstatSync(file, { bigint: true })), undefined);
    assert.match(d3, /^sha256:/);
    // The margin itself: hashed 10 ms after the mtime is not trusted, a minute after is.
    const st3 = lstatSync(file, { bigint: true });
    const byHand = new DigestCache();
    byHand.set('f', st3, st3.mtimeNs + 10_000_000n, d3);
    assert.equal(byHand.get('f', st3), undefined);
    byHand.set('f', st3, st3.mtimeNs + 60_000_000_000n, d3);
    assert.equal(byHand.get('f', st3), d3);
  });
});
