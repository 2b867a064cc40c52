import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dockerArchivePlan, ociLayoutPlan, type ArchiveImage, type PlanEntry } from './archive-plan.js';
import { readArchive, cleanArchivePath } from './archive-read.js';
import { chainIds } from './chain.js';
import { encodeImageConfig } from './config.js';
import { digestOf } from './digest.js';
import { parseNormalizedNamed, familiarString, tagNameOnly } from './reference.js';

function image(tags: string[], diffs: string[]): ArchiveImage {
  const diffIds = diffs.map((d) => digestOf(d));
  const config = encodeImageConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } });
  const chains = chainIds(diffIds);
  return {
    id: digestOf(config),
    config,
    refs: tags.map((t) => tagNameOnly(parseNormalizedNamed(t))),
    layers: diffIds.map((d, i) => ({ diffId: d, chainId: chains[i]!, size: 1024 })),
    mtime: 1_700_000_000,
  };
}

/** What `load` would collect from an archive made by `plan`. */
function filesOf(plan: PlanEntry[]) {
  const small = new Map<string, Buffer>();
  const layers = new Set<string>();
  for (const e of plan) {
    if (e.kind === 'file') small.set(cleanArchivePath(e.name), e.data);
    if (e.kind === 'layer') layers.add(cleanArchivePath(e.name));
  }
  return { get: (n: string) => small.get(n), isLayer: (n: string) => layers.has(n) };
}

describe('image archives', () => {
  const a = image(['busybox:latest', 'localhost:5000/bb:1'], ['l1', 'l2']);
  const b = image([], ['l1']);

  it('plans a docker-archive that reads back to the same images, sharing layers', () => {
    const plan = dockerArchivePlan([a, b]);
    const layerEntries = plan.filter((e) => e.kind === 'layer');
    assert.equal(layerEntries.length, 2, 'l1 written once');
    const names = plan.map((e) => e.name);
    assert.deepEqual(names.slice(-2), ['manifest.json', 'repositories']);
    const manifest = JSON.parse(plan.find((e) => e.name === 'manifest.json')!.kind === 'file' ? (plan.find((e) => e.name === 'manifest.json') as { data: Buffer }).data.toString() : '');
    assert.deepEqual(manifest[0].RepoTags, ['busybox:latest', 'localhost:5000/bb:1']);
    assert.equal(manifest[1].RepoTags, null);
    const back = readArchive(filesOf(plan));
    assert.equal(back.length, 2);
    assert.equal(digestOf(back[0]!.config), a.id);
    assert.deepEqual(back[0]!.refs.map(familiarString), ['busybox:latest', 'localhost:5000/bb:1']);
    assert.equal(back[0]!.layers.length, 2);
    assert.equal(back[1]!.layers[0], back[0]!.layers[0]);
  });

  it('plans an OCI layout (with a docker manifest.json) whose index names the tags', () => {
    const plan = ociLayoutPlan([a, b]);
    const index = JSON.parse((plan.find((e) => e.name === 'index.json') as { data: Buffer }).data.toString());
    assert.equal(index.manifests.length, 3);
    assert.equal(index.manifests[0].annotations['io.containerd.image.name'], 'docker.io/library/busybox:latest');
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'latest');
    assert.equal(index.manifests[2].annotations, undefined);
    assert.ok(plan.some((e) => e.name === 'oci-layout'));
    // Read as OCI only (drop manifest.json) and as docker-archive.
    const files = filesOf(plan);
    const ociOnly = { get: (n: string) => (n === 'manifest.json' ? undefined : files.get(n)), isLayer: files.isLayer };
    for (const f of [files, ociOnly]) {
      const back = readArchive(f);
      assert.equal(back.length, 2);
      assert.equal(digestOf(back[0]!.config), a.id);
      assert.deepEqual(back[0]!.refs.map(familiarString), ['busybox:latest', 'localhost:5000/bb:1']);
      assert.deepEqual(back[1]!.refs, []);
    }
  });

  it('rejects archives that are neither format, and paths that escape', () => {
    assert.throws(() => readArchive({ get: () => undefined, isLayer: () => false }), /neither manifest.json nor index.json/);
    assert.throws(() => cleanArchivePath('../x'), /invalid archive path/);
    assert.equal(cleanArchivePath('./a//b/'), 'a/b');
  });
});
