import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { chainIdOf } from '../../image/chain.js';
import { native } from '../../util/native.js';
import { tarFromEntries } from '../../util/tar/memory-tar.js';
import { busyboxRootfsTar, GROUP, PASSWD } from '../testing/busybox-rootfs.js';
import { LocalLayerStore } from './local-layer-store.js';

const isRoot = process.getuid?.() === 0;

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function sha(b: Buffer): `sha256:${string}` {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function chunks(b: Buffer, size = 65536): AsyncIterable<Buffer> {
  return (async function* () {
    for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
  })();
}

describe('LocalLayerStore', () => {
  let dataRoot: string;
  let store: LocalLayerStore;
  before(async () => {
    dataRoot = mkdtempSync(join(tmpdir(), 'berth-layers-'));
    store = new LocalLayerStore(dataRoot);
    await store.recover();
  });
  after(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('applies a tar as a layer: diffID, chain ID, size, link, and exports the identical tar', async () => {
    const tar = busyboxRootfsTar();
    const { layer, compression } = await store.applyTar(null, chunks(tar));
    assert.equal(compression, 'none');
    assert.equal(layer.diffId, sha(tar));
    assert.equal(layer.chainId, layer.diffId);
    assert.equal(layer.parent, null);
    assert.equal(layer.tarSize, tar.length);
    assert.equal(layer.size, readFileSync('/bin/busybox').length + PASSWD.length + GROUP.length);
    assert.match(layer.linkId, /^[A-Z0-9]{26}$/);
    assert.equal(readlinkSync(join(store.root, 'l', layer.linkId)), `../${layer.chainId.slice(7)}/diff`);
    assert.ok(existsSync(join(store.diffPath(layer.chainId), 'bin/sh')));
    assert.equal(sha(await readAll(store.exportTar(layer.chainId))), layer.diffId);
    assert.deepEqual(readdirSync(join(dataRoot, 'tmp', 'layers')), [], 'staging is empty');
  });

  it('exports with read buffers used again past what the consumer says it no longer holds', async () => {
    const files = [8 << 20, 1, (6 << 20) + 7, 5000, 5 << 20].map((n, i) => ({ name: `big/f${i}`, data: Buffer.alloc(n, `file ${i} `) }));
    const tar = tarFromEntries([{ name: 'big/', type: 'dir' as const }, ...files]);
    const { layer } = await store.applyTar(null, chunks(tar));
    // A consumer that keeps copies, and so holds nothing of what it was given.
    let seen = 0;
    const copies: Buffer[] = [];
    const bufs = new Set<ArrayBufferLike>();
    for await (const c of store.exportTar(layer.chainId, { consumed: () => seen })) {
      copies.push(Buffer.from(c as Buffer));
      if ((c as Buffer).buffer.byteLength === 1 << 20) bufs.add((c as Buffer).buffer);
      seen += (c as Buffer).length;
    }
    assert.ok(Buffer.concat(copies).equals(tar));
    // 22 reads of file contents, in fewer buffers (how many fewer depends on how far the
    // read-ahead got while the consumer was busy: 15 were seen on a loaded machine).
    assert.ok(bufs.size < 20, `read buffers are used again (${bufs.size} distinct)`);
  });

  it('commits staged layers together on their parents, reusing one that exists, and refuses a second commit', async () => {
    const a = tarFromEntries([{ name: 'batch-a', data: 'A' }]);
    const b = tarFromEntries([{ name: 'batch-b', data: 'B' }]);
    const c = tarFromEntries([{ name: 'batch-c', data: 'C' }]);
    const existing = (await store.applyTar(null, chunks(a))).layer;
    const sa = await store.stageTar(chunks(a));
    const sb = await store.stageTar(chunks(gzipSync(b)));
    const sc = await store.stageTar(chunks(c));
    const lease = store.lease();
    const cb = chainIdOf(existing.chainId, sha(b));
    const infos = await store.commitStaged([
      { layer: sa, parent: null },
      { layer: sb, parent: existing.chainId },
      { layer: sc, parent: cb },
    ], lease);
    assert.deepEqual(infos.map((l) => l.chainId), [existing.chainId, cb, chainIdOf(cb, sha(c))]);
    assert.deepEqual(infos.map((l) => l.parent), [null, existing.chainId, cb]);
    assert.equal(store.lowerLinks(infos[2]!.chainId).length, 3);
    for (const l of infos) {
      assert.ok(store.isHeld(l.chainId));
      assert.equal(readlinkSync(join(store.root, 'l', l.linkId)), `../${l.chainId.slice(7)}/diff`);
    }
    assert.ok(existsSync(join(store.diffPath(infos[2]!.chainId), 'batch-c')));
    assert.equal(sha(await readAll(store.exportTar(infos[1]!.chainId))), sha(b));
    await assert.rejects(store.commitStaged([{ layer: sc, parent: cb }]), /already committed/);
    lease.release();
    for (const l of [...infos].reverse()) await store.remove(l.chainId);
    assert.deepEqual(readdirSync(join(dataRoot, 'tmp', 'layers')).filter((n) => !n.startsWith('removed-')), [], 'staging is empty');
  });

  it('refuses to commit a staged layer on a missing parent, keeping nothing', async () => {
    const s = await store.stageTar(chunks(tarFromEntries([{ name: 'orphan', data: 'x' }])));
    await assert.rejects(store.commitStaged([{ layer: s, parent: `sha256:${'0'.repeat(64)}` }]), /parent layer .* does not exist/);
    // The staged copy is deleted in the background.
    const staged = () => readdirSync(join(dataRoot, 'tmp', 'layers')).filter((n) => !n.startsWith('removed-'));
    const end = Date.now() + 10_000;
    while (staged().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(staged(), []);
  });

  it('stacks layers: chain IDs, ancestry and lowerdir links top-most first', async () => {
    const base = (await store.applyTar(null, chunks(tarFromEntries([{ name: 'a', data: '1' }])))).layer;
    const gz = gzipSync(tarFromEntries([{ name: 'b', data: '2' }]));
    const top = await store.applyTar(base.chainId, chunks(gz, 5));
    assert.equal(top.compression, 'gzip');
    assert.equal(top.blob.digest, sha(gz));
    assert.equal(top.layer.chainId, chainIdOf(base.chainId, top.layer.diffId));
    assert.deepEqual(store.ancestry(top.layer.chainId).map((l) => l.chainId), [base.chainId, top.layer.chainId]);
    assert.deepEqual(store.lowerLinks(top.layer.chainId), [`l/${top.layer.linkId}`, `l/${base.linkId}`]);
    assert.deepEqual(store.lowerLinks(null), []);
    await assert.rejects(store.remove(base.chainId), /has child layer/);
    // The same chain again is the same layer (no second directory).
    const again = await store.applyTar(base.chainId, chunks(gz));
    assert.equal(again.layer.linkId, top.layer.linkId);
  });

  it('registers a moved directory (overlay whiteouts become AUFS whiteouts) and a directory written in place', async () => {
    const upper = join(dataRoot, 'upper-test');
    mkdirSync(join(upper, 'etc'), { recursive: true });
    writeFileSync(join(upper, 'etc/new'), 'n');
    if (isRoot) native().mknod(join(upper, 'etc/gone'), 0o020000, 0, 0);
    const l = await store.registerDir(null, upper);
    assert.ok(!existsSync(upper), 'the directory was moved');
    const tar = await readAll(store.exportTar(l.chainId));
    assert.equal(sha(tar), l.diffId);
    if (isRoot) assert.ok(tar.includes(Buffer.from('etc/.wh.gone')));
    const nd = await store.createDir(l.chainId);
    writeFileSync(join(nd.path, 'copied'), 'c');
    const l2 = await nd.commit();
    assert.equal(l2.parent, l.chainId);
    assert.equal(readFileSync(join(store.diffPath(l2.chainId), 'copied'), 'utf8'), 'c');
    assert.equal(sha(await readAll(store.exportTar(l2.chainId))), l2.diffId);
  });

  it('leases hold layers against removal', async () => {
    const lease = store.lease();
    const { layer } = await store.applyTar(null, chunks(tarFromEntries([{ name: 'held', data: 'h' }])), { lease });
    await assert.rejects(store.remove(layer.chainId), /in use/);
    lease.release();
    await store.remove(layer.chainId);
    assert.equal(store.get(layer.chainId), undefined);
    assert.ok(!existsSync(join(store.root, 'l', layer.linkId)));
  });

  it('a failed extraction leaves nothing behind', async () => {
    const before = readdirSync(store.root).sort();
    await assert.rejects(store.applyTar(null, chunks(tarFromEntries([{ name: '../evil', data: 'x' }]))), /extraction root/);
    assert.deepEqual(readdirSync(store.root).sort(), before);
    assert.deepEqual(readdirSync(join(dataRoot, 'tmp', 'layers')), []);
  });

  it('stages a blob verified against its digest, and stages nothing when the bytes differ', async () => {
    const gz = gzipSync(tarFromEntries([{ name: 'verified', data: 'v'.repeat(100_000) }]));
    const st = await store.stageTar(chunks(gz, 1000), { blob: { digest: sha(gz), size: gz.length } });
    assert.equal(st.blob.digest, sha(gz));
    await st.discard();
    const staged = () => readdirSync(join(dataRoot, 'tmp', 'layers')).filter((n) => !n.startsWith('removed-'));
    // Other bytes that still extract: the digest is what is wrong.
    const other = gzipSync(tarFromEntries([{ name: 'verified', data: 'w'.repeat(100_000) }]));
    await assert.rejects(store.stageTar(chunks(other), { blob: { digest: sha(gz), size: other.length } }), /filesystem layer verification failed/);
    // A corrupt blob fails gzip's own check first; it is reported as a digest mismatch too.
    const bad = Buffer.from(gz);
    bad[bad.length - 6]! ^= 0xff;
    await assert.rejects(store.stageTar(chunks(bad), { blob: { digest: sha(gz), size: bad.length } }), /filesystem layer verification failed/);
    assert.deepEqual(staged(), []);
  });

  it('rejects a diffID that does not match', async () => {
    await assert.rejects(
      store.applyTar(null, chunks(tarFromEntries([{ name: 'x', data: 'y' }])), { expectDiffId: sha(Buffer.from('other')) }),
      /diffID mismatch/,
    );
  });

  it('recovers: staging leftovers removed, links repaired, index rebuilt', async () => {
    const { layer } = await store.applyTar(null, chunks(tarFromEntries([{ name: 'r', data: 'r' }])));
    mkdirSync(join(dataRoot, 'tmp', 'layers', 'half-extracted', 'diff'), { recursive: true });
    rmSync(join(store.root, 'l', layer.linkId));
    writeFileSync(join(store.root, 'l', 'DANGLINGLINKXXXXXXXXXXXXXX'), '');
    const fresh = new LocalLayerStore(dataRoot);
    await fresh.recover();
    assert.deepEqual(fresh.get(layer.chainId), layer);
    assert.ok(existsSync(join(fresh.root, 'l', layer.linkId, 'r')));
    assert.ok(!existsSync(join(fresh.root, 'l', 'DANGLINGLINKXXXXXXXXXXXXXX')));
    assert.deepEqual(readdirSync(join(dataRoot, 'tmp', 'layers')), []);
    assert.equal(fresh.list().length, store.list().length);
  });
});
