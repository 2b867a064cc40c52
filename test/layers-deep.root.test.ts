/**
 * Images with many layers run (issue 13): images of 128 and 250 layers, made as a
 * docker-archive of tiny layers and loaded, start a container that reads a file from the
 * lowest and from the top layer, and build on top (a RUN and a COPY over all the layers).
 * Docker refuses past 125 layers ("max depth exceeded"); berth mounts one `lowerdir+` per
 * layer with the new mount API, up to overlayfs's 500. The mount(2) fallback (the kernel
 * without the new API) still mounts 128 layers with short relative lowerdirs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mountOverlay, setNewMountApiForTest, unmount } from '../src/runtime/overlay-driver.js';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { ok } from './containers-helpers.js';
import { startDaemon, type TestDaemon } from './helpers/daemon.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A docker-archive of `n` layers: busybox plus /bottom, n-2 tiny layers, then /top. */
function deepArchive(n: number, tag: string): Buffer {
  const layers: Buffer[] = [];
  const base = busyboxRootfsTar();
  // busybox's tar with /bottom added: strip the two end blocks, append the entry.
  layers.push(Buffer.concat([base.subarray(0, base.length - 1024), tarFromEntries([{ name: 'bottom', data: 'from the lowest layer\n' }])]));
  for (let i = 1; i < n - 1; i++) layers.push(tarFromEntries([{ name: 'l/' }, { name: `l/${i}`, data: `${i}\n` }]));
  layers.push(tarFromEntries([{ name: 'top', data: 'from the top layer\n' }]));
  const diffIds = layers.map((l) => `sha256:${sha(l)}`);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${i}` })),
  }));
  const entries = [
    { name: `${sha(config)}.json`, data: config },
    ...layers.map((l) => ({ name: `${sha(l)}/layer.tar`, data: l })),
    { name: 'manifest.json', data: JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: [tag], Layers: layers.map((l) => `${sha(l)}/layer.tar`) }]) },
  ];
  return tarFromEntries(entries);
}

describe('images with many layers', { timeout: 600_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    const ids = (await d.berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await d.berth(['rm', '-f', ...ids]);
    await d.cleanup();
  });

  it('refuses an image of more layers than overlayfs stacks: max depth exceeded', async () => {
    const archive = join(d.dir, 'deep500.tar');
    writeFileSync(archive, deepArchive(500, 'deep500:latest'));
    const r = await d.berth(['load', '-i', archive]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /max depth exceeded: an image holds at most 499 layers/);
    assert.equal((await d.berth(['image', 'inspect', 'deep500'])).code, 1);
  });

  for (const n of [128, 250]) {
    it(`loads, runs and builds on an image of ${n} layers`, async () => {
      const archive = join(d.dir, `deep${n}.tar`);
      writeFileSync(archive, deepArchive(n, `deep${n}:latest`));
      await ok(d.berth(['load', '-i', archive]));
      const layers = await ok(d.berth(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', `deep${n}`]));
      assert.equal(layers.trim(), String(n));
      const out = await ok(d.berth(['run', '--rm', `deep${n}`, 'cat', '/bottom', `/l/${n - 2}`, '/top']));
      assert.equal(out, `from the lowest layer\n${n - 2}\nfrom the top layer\n`);

      const ctx = join(d.dir, `ctx${n}`);
      mkdirSync(ctx, { recursive: true });
      writeFileSync(join(ctx, 'added'), 'copied\n');
      writeFileSync(join(ctx, 'Dockerfile'), `FROM deep${n}\nRUN cat /bottom /top > /both\nCOPY added /added\nWORKDIR /l\n`);
      await ok(d.berth(['build', '-q', '-t', `deep${n}b`, ctx], { timeoutMs: 300_000 }));
      const built = await ok(d.berth(['run', '--rm', `deep${n}b`, 'cat', '/both', '/added', '1']));
      assert.equal(built, 'from the lowest layer\nfrom the top layer\ncopied\n1\n');
    });
  }
});

describe('overlay mounts without the new mount API', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-ovl-'));
  after(() => {
    setNewMountApiForTest(undefined);
    unmount(join(root, 'merged'));
    rmSync(root, { recursive: true, force: true });
  });

  it('mounts 128 short relative lowerdirs with mount(2) and refuses 250 clearly', () => {
    const layersRoot = join(root, 'layers');
    mkdirSync(join(layersRoot, 'l'), { recursive: true });
    const links: string[] = [];
    for (let i = 0; i < 250; i++) {
      const link = String(i).padStart(26, 'L');
      mkdirSync(join(layersRoot, `c${i}`, 'diff'), { recursive: true });
      writeFileSync(join(layersRoot, `c${i}`, 'diff', `f${i}`), `${i}`);
      symlinkSync(`../c${i}/diff`, join(layersRoot, 'l', link));
      links.push(`l/${link}`);
    }
    const target = join(root, 'merged');
    mkdirSync(target);
    setNewMountApiForTest(false);
    mountOverlay({ cwd: layersRoot, target, lowers: links.slice(0, 128), flags: [] });
    try {
      assert.equal(readFileSync(join(target, 'f0'), 'utf8'), '0');
      assert.equal(readFileSync(join(target, 'f127'), 'utf8'), '127');
    } finally {
      unmount(target);
    }
    assert.throws(() => mountOverlay({ cwd: layersRoot, target, lowers: links, flags: [] }), /new mount API \(Linux 6\.8 or newer\)/);
  });
});
