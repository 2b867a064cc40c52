import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeImageConfig } from '../../image/config.js';
import { digestOf, type Digest } from '../../image/digest.js';
import { parseDockerRef, referenceString } from '../../image/reference.js';
import { tarFromEntries } from '../../util/tar/memory-tar.js';
import { LocalContentStore } from '../content/local-content-store.js';
import { LocalLayerStore } from '../layers/local-layer-store.js';
import { LocalImageStore } from './local-image-store.js';
import { LocalReferenceStore } from './local-reference-store.js';

async function* one(b: Buffer) {
  yield b;
}

describe('LocalImageStore and LocalReferenceStore', () => {
  let dataRoot: string;
  let content: LocalContentStore;
  let layers: LocalLayerStore;
  let images: LocalImageStore;
  let refs: LocalReferenceStore;
  let diffId: Digest;

  const open = async () => {
    content = new LocalContentStore(dataRoot);
    layers = new LocalLayerStore(dataRoot);
    images = new LocalImageStore(dataRoot, content, layers);
    refs = new LocalReferenceStore(dataRoot);
    await content.recover();
    await layers.recover();
    await images.recover();
    await refs.recover((id) => images.get(id) !== undefined);
  };

  const config = (comment: string, diffs: Digest[] = [diffId]) =>
    encodeImageConfig({ architecture: 'amd64', os: 'linux', comment, rootfs: { type: 'layers', diff_ids: diffs } });

  before(async () => {
    dataRoot = mkdtempSync(join(tmpdir(), 'berth-images-'));
    await open();
    diffId = (await layers.applyTar(null, one(tarFromEntries([{ name: 'f', data: 'x' }])))).layer.diffId;
  });
  after(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('creates an image whose ID is the config digest, idempotently', async () => {
    const bytes = config('a');
    const img = await images.create(bytes);
    assert.equal(img.record.id, digestOf(bytes));
    assert.deepEqual(img.chainIds, [diffId]);
    assert.equal(img.topChainId, diffId);
    assert.deepEqual(await content.readBlob(img.record.id), bytes);
    assert.equal((await images.create(bytes)).record.added, img.record.added);
  });

  it('refuses an image whose layers are missing', async () => {
    await assert.rejects(images.create(config('b', [digestOf('nope')])), /does not exist/);
  });

  it('resolves unique ID prefixes and reports ambiguous ones', async () => {
    const made: Digest[] = [];
    for (let i = 0; made.length < 40; i++) made.push((await images.create(config(`p${i}`))).record.id);
    const id = made[0]!;
    assert.equal(images.search(id), id);
    assert.equal(images.search(id.slice(7)), id);
    assert.equal(images.search(id.slice(0, 7 + 12)), id);
    assert.equal(images.search('sha256:' + 'f'.repeat(64).replace(/f/g, '0')), undefined);
    assert.equal(images.search('zz'), undefined);
    // Among 40+ images, some one-character prefix is shared.
    const counts = new Map<string, number>();
    for (const i of images.list()) counts.set(i.record.id[7]!, (counts.get(i.record.id[7]!) ?? 0) + 1);
    const shared = [...counts].find(([, n]) => n > 1)![0];
    assert.throws(() => images.search(shared), /ambiguous image ID prefix/);
  });

  it('keeps references, re-points them, and survives a restart', async () => {
    const a = (await images.create(config('ra'))).record.id;
    const b = (await images.create(config('rb'))).record.id;
    const ref = parseDockerRef('busybox');
    assert.equal(await refs.add(ref, a), undefined);
    assert.equal(await refs.add(parseDockerRef('localhost:5000/x:1'), a), undefined);
    assert.equal(await refs.add(ref, b), a);
    assert.equal(refs.get(ref), b);
    assert.deepEqual(refs.referencesOf(a).map(referenceString), ['localhost:5000/x:1']);
    const file = JSON.parse(readFileSync(join(dataRoot, 'refs.json'), 'utf8'));
    assert.equal(file.refs['docker.io/library/busybox:latest'], b);
    await open();
    assert.equal(refs.get(ref), b);
    assert.equal(images.get(a)?.record.id, a);
  });

  it('drops records that are not complete on disk and references to them', async () => {
    const c = (await images.create(config('gone'))).record.id;
    await refs.add(parseDockerRef('gone:1'), c);
    rmSync(join(dataRoot, 'content', 'sha256', c.slice(7)));
    writeFileSync(join(dataRoot, 'images', '.abc.json.123.tmp'), '{');
    await open();
    assert.equal(images.get(c), undefined);
    assert.equal(refs.get(parseDockerRef('gone:1')), undefined);
  });

  it('deletes an image and its config', async () => {
    const d = (await images.create(config('del'))).record.id;
    await refs.add(parseDockerRef('del:1'), d);
    assert.equal((await refs.deleteAll(d)).length, 1);
    await images.delete(d);
    assert.equal(images.get(d), undefined);
    assert.equal(await content.info(d), undefined);
  });
});
