import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeImageConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import { LocalContentStore } from '../../store/content/local-content-store.js';
import { LocalImageStore } from '../../store/images/local-image-store.js';
import { LocalReferenceStore } from '../../store/images/local-reference-store.js';
import { LocalLayerStore } from '../../store/layers/local-layer-store.js';
import { tarFromEntries } from '../../util/tar/memory-tar.js';
import { DefaultImageService } from './image-service.js';
import type { ImageUse } from './types.js';

async function* one(b: Buffer) {
  yield b;
}

describe('DefaultImageService (stores on disk, no daemon)', () => {
  let root: string;
  let svc: DefaultImageService;
  let store: LocalImageStore;
  let layers: LocalLayerStore;
  const inUse = new Map<Digest, ImageUse>();

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'berth-imgsvc-'));
    const content = new LocalContentStore(root);
    layers = new LocalLayerStore(root);
    store = new LocalImageStore(root, content, layers);
    svc = new DefaultImageService({ content, layers, images: store, refs: new LocalReferenceStore(root), isImageInUse: async (id) => inUse.get(id) });
    await svc.recover();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  async function image(tag: string | undefined, data: string, parent?: Digest): Promise<Digest> {
    const id = await svc.importImage({ source: one(tarFromEntries([{ name: 'f', data }])), repo: parent ? undefined : tag }, () => {});
    if (!parent) return id;
    // Re-create it with a build parent (as the builder does).
    const img = store.get(id)!;
    const child = await store.create(
      encodeImageConfig({ ...img.config, comment: `child of ${parent}` }),
      { parent },
    );
    if (tag) await svc.tag(child.record.id, tag);
    await svc.remove(id);
    return child.record.id;
  }

  it('refuses to remove an image a container uses: 409, hard for running containers', async () => {
    const id = await image('used:1', 'u');
    inUse.set(id, { containerId: 'c'.repeat(64), running: true });
    await assert.rejects(svc.remove('used:1'), /unable to remove repository reference "used:1" \(must force\) - container cccccccccccc is using its referenced image/);
    await assert.rejects(svc.remove(id.slice(7, 19)), /\(cannot be forced\) - image is being used by running container cccccccccccc/);
    await assert.rejects(svc.remove(id, { force: true }), /cannot be forced/);
    inUse.set(id, { containerId: 'd'.repeat(64), running: false });
    await assert.rejects(svc.remove(id.slice(7, 19)), /\(must be forced\) - image is being used by stopped container dddddddddddd/);
    inUse.delete(id);
    assert.deepEqual((await svc.remove('used:1')).map((x) => Object.keys(x)[0]), ['Untagged', 'Deleted', 'Deleted']);
  });

  it('keeps parents with children, hides intermediate images, prunes untagged parents', async () => {
    const parent = await image(undefined, 'p');
    const child = await image('child:1', 'c', parent);
    await assert.rejects(svc.remove(parent.slice(7)), /\(cannot be forced\) - image has dependent child images/);
    const listed = (await svc.list({})).map((i) => i.Id);
    assert.ok(!listed.includes(parent), 'intermediate image hidden');
    assert.ok((await svc.list({ all: true })).some((i) => i.Id === parent));
    const h = await svc.history('child:1');
    assert.equal(h[0]!.Id, child);
    const out = await svc.remove('child:1');
    assert.deepEqual(out.filter((x) => 'Deleted' in x).map((x) => (x as { Deleted: string }).Deleted).slice(0, 1), [child]);
    assert.ok(out.some((x) => 'Deleted' in x && x.Deleted === parent), 'untagged parent pruned');
    assert.equal(svc.count(), 0);
  });

  it('untags the only tag of an image with children, keeping the image (as dockerd)', async () => {
    const parent = await image('base:import', 'b');
    const child = await image('built:1', 'c', parent);
    assert.deepEqual(await svc.remove('base:import'), [{ Untagged: 'base:import' }]);
    assert.ok((await svc.list({ all: true })).some((i) => i.Id === parent), 'the parent stays for its child');
    assert.equal((await svc.history('built:1'))[0]!.Id, child);
    await svc.remove('built:1');
    assert.equal(svc.count(), 0);
  });

  it('history shows each image beside the entry it ends at; entries an image added before its own are <missing>', async () => {
    const base = await image('hbase:1', 'h');
    const cfg = store.get(base)!.config;
    const entry = (created_by: string) => ({ created: '2024-01-01T00:00:00Z', created_by, empty_layer: true });
    const one = await store.create(encodeImageConfig({ ...cfg, history: [...(cfg.history ?? []), entry('ENV A=1')] }), { parent: base });
    // A folded run: one image adds three entries.
    const three = await store.create(
      encodeImageConfig({ ...cfg, history: [...(cfg.history ?? []), entry('ENV A=1'), entry('ENV B=2'), entry('ENV C=3'), entry('ENV D=4')] }),
      { parent: one.record.id },
    );
    await svc.tag(three.record.id, 'hfold:1');
    const h = await svc.history('hfold:1');
    assert.deepEqual(
      h.map((x) => [x.Id, x.CreatedBy]),
      [[three.record.id, 'ENV D=4'], ['<missing>', 'ENV C=3'], ['<missing>', 'ENV B=2'], [one.record.id, 'ENV A=1'], [base, h[4]!.CreatedBy]],
    );
    assert.deepEqual(h[0]!.Tags, ['hfold:1']);
    await svc.remove('hfold:1');
    await svc.remove('hbase:1');
  });

  it('keeps layers that leases hold or other images use', async () => {
    const a = await image('share:a', 'same');
    const b = await image('share:b', 'same');
    assert.notEqual(a, b);
    const out = await svc.remove('share:a');
    assert.equal(out.filter((x) => 'Deleted' in x).length, 1, 'layer still used by share:b');
    const chain = store.get(b)!.topChainId!;
    const lease = layers.lease();
    lease.add(chain);
    const out2 = await svc.remove('share:b');
    assert.equal(out2.filter((x) => 'Deleted' in x).length, 1, 'held layer kept');
    assert.ok(layers.has(chain));
    lease.release();
    await svc.recover();
    assert.ok(!layers.has(chain), 'start-up removes layers no image uses');
  });
});
