/**
 * Image commands end to end, through a real berthd, driven by the berth CLI and by the docker
 * CLI: import, images, tag, rmi, prune, inspect, history, save/load round trips (docker-archive
 * and OCI) into a fresh data root, import from a URL, reference errors, ID prefixes, system df,
 * scripts/make-busybox.sh, and concurrent changes to one image.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildArchive, testImageConfig, type TestImage } from '../src/store/testing/archive.js';
import { busyboxRootfsTar, GROUP, PASSWD } from '../src/store/testing/busybox-rootfs.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { berthBin, distRoot, hasDocker, run, startDaemon, type TestDaemon } from './helpers/daemon.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function api(d: TestDaemon, method: string, path: string, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: body ? { 'Content-Type': 'application/x-tar' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function ok(p: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const L1 = tarFromEntries([{ name: 'etc/', type: 'dir' }, { name: 'etc/one', data: 'one'.repeat(1000) }]);
const L2 = tarFromEntries([{ name: 'two', data: Buffer.alloc(123_456, 2) }]);
const L3 = tarFromEntries([{ name: 'three', data: 'x' }]);
const fixtures: TestImage[] = [
  {
    tags: ['gold:1', 'gold:latest', 'localhost:5000/gold/x:v1'],
    layers: [L1, L2],
    created: '2020-01-02T03:04:05.5Z',
    history: [
      { created: '2020-01-02T03:04:05Z', created_by: '/bin/sh -c #(nop) ADD file:0123456789abcdef in / ' },
      { created: '2020-01-02T03:04:05Z', created_by: '/bin/sh -c #(nop)  ENV\tA=1 B=a-value-long-enough-to-be-cut-by-the-table', empty_layer: true },
      { created: '2020-01-02T03:04:05Z', created_by: '/bin/sh -c echo hi > /x', comment: 'a comment' },
    ],
  },
  { layers: [L1], created: '2019-05-06T07:08:09Z', comment: 'dangling' },
  { tags: ['other:2'], layers: [L3], created: '2021-03-04T05:06:07Z', config: { Labels: { a: 'b' } } },
];

describe('image commands', () => {
  let d: TestDaemon;
  let rootfs: string;
  before(async () => {
    d = await startDaemon();
    rootfs = join(d.dir, 'rootfs.tar');
    writeFileSync(rootfs, busyboxRootfsTar());
    writeFileSync(join(d.dir, 'fixtures.tar'), buildArchive(fixtures));
  });
  after(async () => {
    await d.cleanup();
  });

  it('imports with the berth CLI and the docker CLI, with Docker\'s config', async () => {
    const id = (await ok(d.berth(['import', '-m', 'hello', '-c', 'CMD ["sh"]', '-c', 'ENV A=b', rootfs, 'bb:1']))).trim();
    assert.match(id, /^sha256:[a-f0-9]{64}$/);
    const id2 = (await ok(d.berth(['import', rootfs, 'bb:2']))).trim();
    const inspect = JSON.parse(await ok(d.berth(['image', 'inspect', 'bb:1'])))[0];
    assert.equal(inspect.Id, id);
    assert.deepEqual(inspect.RepoTags, ['bb:1']);
    assert.deepEqual(inspect.RepoDigests, []);
    assert.equal(inspect.Comment, 'hello');
    assert.deepEqual(inspect.Config.Cmd, ['sh']);
    assert.deepEqual(inspect.Config.Env, ['A=b']);
    assert.equal(inspect.ContainerConfig.Cmd, null);
    assert.equal(inspect.Os, 'linux');
    assert.equal(inspect.Size, readFileSync('/bin/busybox').length + PASSWD.length + GROUP.length);
    assert.deepEqual(inspect.RootFS, { Type: 'layers', Layers: [sha(readFileSync(rootfs))] });
    assert.equal(inspect.GraphDriver.Name, 'overlay2');
    assert.match(inspect.GraphDriver.Data.UpperDir, /\/layers\/[a-f0-9]{64}\/diff$/);
    assert.notEqual(inspect.Metadata.LastTagTime, '0001-01-01T00:00:00Z');
    const hist = await ok(d.berth(['history', '--format', '{{.Comment}}', 'bb:2']));
    assert.equal(hist, 'Imported from -\n');
    assert.notEqual(id2, id);
    if (hasDocker) {
      const did = (await ok(d.docker(['import', rootfs, 'dk:1']))).trim();
      assert.match(did, /^sha256:/);
      assert.equal(JSON.parse(await ok(d.docker(['inspect', 'dk:1'])))[0].RootFS.Layers[0], sha(readFileSync(rootfs)));
      const gz = join(d.dir, 'rootfs.tar.gz');
      writeFileSync(gz, gzipSync(readFileSync(rootfs)));
      await ok(d.docker(['import', gz, 'dk:gz']));
      assert.equal(JSON.parse(await ok(d.docker(['inspect', 'dk:gz'])))[0].RootFS.Layers[0], sha(readFileSync(rootfs)));
    }
  });

  it('imports from a URL (http on 127.0.0.1) and from stdin', async () => {
    const body = gzipSync(readFileSync(rootfs));
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const out = await ok(d.berth(['import', `http://127.0.0.1:${port}/rootfs.tar.gz`, 'fromurl:1']));
      assert.match(out, /^Downloading from http:\/\/127\.0\.0\.1:\d+\/rootfs\.tar\.gz\nsha256:[a-f0-9]{64}\n$/);
      const msg = JSON.parse(await ok(d.berth(['inspect', 'fromurl:1'])))[0].Comment;
      assert.equal(msg, `Imported from http://127.0.0.1:${port}/rootfs.tar.gz`);
    } finally {
      server.close();
    }
    await ok(d.berth(['import', '-', 'fromstdin'], { input: readFileSync(rootfs) }));
    assert.match(await ok(d.berth(['images', '-q', 'fromstdin'])), /^[a-f0-9]{12}\n$/);
  });

  it('prints images and history exactly as the docker CLI does', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    // A daemon holding only the fixtures: fixed creation dates, so "N years ago" is stable.
    const g = await startDaemon();
    try {
      await golden(g);
    } finally {
      await g.cleanup();
    }
  });

  async function golden(g: TestDaemon): Promise<void> {
    await ok(g.berth(['load', '-i', join(d.dir, 'fixtures.tar')]));
    const cases: string[][] = [
      ['images'],
      ['images', '-a'],
      ['images', '--no-trunc'],
      ['images', '-q'],
      ['images', '--digests'],
      ['images', 'gold'],
      ['images', 'gold:1'],
      ['images', '-f', 'dangling=true'],
      ['images', '-f', 'label=a=b'],
      ['images', '-f', 'before=other:2', '-f', 'since=gold:1'],
      ['images', '--format', 'table {{.Repository}}:{{.Tag}}\t{{.Size}}\t{{.VirtualSize}}'],
      ['images', '--format', '{{.ID}} {{.CreatedAt}} {{.Containers}} {{.SharedSize}}'],
      ['history', 'gold:1'],
      ['history', '--no-trunc', 'gold:1'],
      ['history', '-H=false', 'gold:1'],
      ['history', '-q', 'gold:1'],
      ['history', '--format', '{{.ID}}|{{.CreatedSince}}|{{.Size}}|{{.Comment}}', 'other:2'],
      ['image', 'inspect', '--format', '{{.Id}} {{.RepoTags}} {{.Size}} {{.Config.Labels}}', 'other:2'],
    ];
    // docker/cli walks an image's repositories in Go map order (random): compare the rows
    // of a multi-repository image as a set, everything else exactly.
    const norm = (out: string) => {
      const [head, ...rows] = out.split('\n');
      return [head, ...rows.sort()].join('\n');
    };
    for (const args of cases) {
      const ours = await ok(g.berth(args));
      const theirs = await ok(g.docker(args));
      assert.equal(norm(ours), norm(theirs), `berth ${args.join(' ')}`);
    }
    // Newest first; a repository's tags in the order they were made.
    assert.match(await ok(g.berth(['images'])), /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE\nother +2 .*\ngold +1 .*\ngold +latest .*\nlocalhost:5000\/gold\/x +v1 .*\n<none> +<none> .* 7 years ago +3kB\n$/);
  }

  it('tags and removes as Docker does (Untagged/Deleted lines, 409 for several repositories)', async () => {
    await ok(d.berth(['import', rootfs, 'rm:1']));
    const id = JSON.parse(await ok(d.berth(['inspect', 'rm:1'])))[0].Id as string;
    await ok(d.berth(['tag', 'rm:1', 'rm:2']));
    await ok(d.berth(['tag', id.slice(7, 19), 'localhost:5000/rm/other:x']));
    assert.equal(await ok(d.berth(['rmi', 'rm:2'])), 'Untagged: rm:2\n');
    const conflict = await d.berth(['rmi', id.slice(7, 19)]);
    assert.equal(conflict.code, 1);
    assert.equal(conflict.stderr, `Error response from daemon: conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories\n`);
    const r = await api(d, 'DELETE', `/v1.41/images/${id.slice(7, 19)}`);
    assert.equal(r.status, 409);
    const forced = await ok(d.berth(['rmi', '-f', id.slice(7, 19)]));
    assert.equal(forced, `Untagged: rm:1\nUntagged: localhost:5000/rm/other:x\nDeleted: ${id}\n`);
    const missing = await d.berth(['rmi', 'rm:1', 'nope']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: No such image: rm:1\nError response from daemon: No such image: nope:latest\n');
    // With --force, images that are not there are only reported (the docker CLI's rule).
    const forcedMissing = await d.berth(['rmi', '-f', 'nope']);
    assert.deepEqual([forcedMissing.code, forcedMissing.stderr], [0, 'Error response from daemon: No such image: nope:latest\n']);
    // The last image using a layer takes the layer with it.
    await ok(d.berth(['import', '-', 'solo:1'], { input: tarFromEntries([{ name: 'solo', data: 'unique content' }]) }));
    const solo = JSON.parse(await ok(d.berth(['inspect', 'solo:1'])))[0];
    assert.equal(await ok(d.berth(['rmi', 'solo:1'])), `Untagged: solo:1\nDeleted: ${solo.Id}\nDeleted: ${solo.RootFS.Layers[0]}\n`);
    if (hasDocker) {
      await ok(d.docker(['tag', 'bb:1', 'dtag/x:y']));
      assert.match(await ok(d.berth(['images', 'dtag/x'])), /dtag\/x\s+y\s+/);
      assert.equal(await ok(d.docker(['rmi', 'dtag/x:y'])), 'Untagged: dtag/x:y\n');
    }
  });

  it('rejects bad references with Docker\'s messages, resolves ID prefixes, reports ambiguous ones', async () => {
    const bad = await d.berth(['tag', 'bb:1', 'Bad:1']);
    assert.equal(bad.code, 1);
    // The docker CLI checks the names itself before asking the daemon.
    assert.equal(bad.stderr, 'Error parsing reference: "Bad:1" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n');
    const digest = await d.berth(['tag', 'bb:1', `x@sha256:${'0'.repeat(64)}`]);
    assert.deepEqual([digest.code, digest.stderr], [1, 'refusing to create a tag with a digest reference\n']);
    const badChars = await d.berth(['tag', 'bb:1', 'a b']);
    assert.match(badChars.stderr, /invalid reference format/);
    const upper = await api(d, 'GET', '/v1.41/images/Busybox/json');
    assert.equal(upper.status, 400);
    assert.equal(JSON.parse(upper.body).message, 'invalid reference format: repository name (library/Busybox) must be lowercase');
    const id = JSON.parse(await ok(d.berth(['inspect', 'bb:1'])))[0].Id as string;
    for (const p of [id, id.slice(7), id.slice(7, 19), id.slice(0, 12)]) {
      assert.equal((await ok(d.berth(['image', 'inspect', '--format', '{{.Id}}', p]))).trim(), id, p);
    }
    // 17 images: two share a first hex digit.
    const tiny = tarFromEntries([{ name: 't', data: 't' }]);
    const ids: string[] = [];
    for (let i = 0; i < 17; i++) {
      const r = await api(d, 'POST', `/v1.41/images/create?fromSrc=-&message=m${i}`, tiny);
      ids.push(JSON.parse(r.body).status);
    }
    const counts = new Map<string, number>();
    for (const x of ids) counts.set(x[7]!, (counts.get(x[7]!) ?? 0) + 1);
    const ch = [...counts].find(([, n]) => n > 1)![0];
    const amb = await api(d, 'GET', `/v1.41/images/${ch}/json`);
    assert.equal(amb.status, 400);
    assert.match(JSON.parse(amb.body).message, /^ambiguous image ID prefix/);
    await ok(d.berth(['image', 'prune', '-f']));
  });

  it('save and load round-trip to a fresh data root with the same image IDs (docker-archive and OCI, plain and gzip)', async () => {
    await ok(d.berth(['load'], { input: buildArchive([fixtures[0]!, fixtures[2]!]) }));
    const fresh = await startDaemon();
    try {
      const ids = (await ok(d.berth(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', 'gold']))).trim().split('\n').sort();
      for (const format of ['docker', 'oci']) {
        const file = join(d.dir, `gold-${format}.tar`);
        await ok(d.berth(['save', '--format', format, '-o', file, 'gold', 'localhost:5000/gold/x:v1', 'other:2']));
        // Each layer in the archive is the exact tar of its diffID.
        const x = join(d.dir, `x-${format}`);
        mkdirSync(x);
        execFileSync('tar', ['-C', x, '-xf', file]);
        const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8'));
        for (const m of manifest) {
          const cfg = JSON.parse(readFileSync(join(x, m.Config), 'utf8'));
          m.Layers.forEach((l: string, i: number) => assert.equal(sha(readFileSync(join(x, l))), cfg.rootfs.diff_ids[i]));
        }
        if (format === 'oci') assert.ok(readdirSync(x).includes('index.json') && readdirSync(x).includes('oci-layout'));
        const load = format === 'oci' ? ['load', '-i', file] : ['load'];
        const input = format === 'oci' ? undefined : gzipSync(readFileSync(file));
        const out = await ok(fresh.berth(load, { input }));
        assert.match(out, /Loaded image: gold:1\n/);
        assert.match(out, /Loaded image: localhost:5000\/gold\/x:v1\n/);
        const back = (await ok(fresh.berth(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', 'gold']))).trim().split('\n').sort();
        assert.deepEqual(back, ids);
        await ok(fresh.berth(['rmi', 'gold:1', 'gold:latest', 'localhost:5000/gold/x:v1', 'other:2']));
      }
      // An untagged image loads as "Loaded image ID:", and re-loading a tag renames the old image.
      const dangling = buildArchive([{ layers: [L3], created: '2022-01-01T00:00:00Z' }]);
      assert.match(await ok(fresh.berth(['load'], { input: dangling })), /^Loaded image ID: sha256:[a-f0-9]{64}\n$/);
      await ok(fresh.berth(['load'], { input: buildArchive([{ tags: ['re:1'], layers: [L3], comment: 'first' }]) }));
      const second = await ok(fresh.berth(['load'], { input: buildArchive([{ tags: ['re:1'], layers: [L3], comment: 'second' }]) }));
      assert.match(second, /^The image re:1 already exists, renaming the old one with ID sha256:[a-f0-9]{64} to empty string\nLoaded image: re:1\n$/);
    } finally {
      await fresh.cleanup();
    }
  });

  it('verifies digests on load', async () => {
    const good = buildArchive([{ tags: ['v:1'], layers: [L1] }]);
    // A config that names another diffID than the layer it ships.
    const lying = buildArchive([{ tags: ['v:2'], layers: [L1] }]).toString('latin1').replace(sha(L1).slice(7), sha(L2).slice(7));
    const r = await d.berth(['load'], { input: Buffer.from(lying, 'latin1') });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid diffID for layer 0|not found/);
    const truncated = await d.berth(['load'], { input: good.subarray(0, good.length - 3000) });
    assert.equal(truncated.code, 1);
    const empty = await d.berth(['load', '-i', '/dev/null']);
    assert.equal(empty.code, 1);
    assert.doesNotMatch(await ok(d.berth(['images'])), /^v /m);
  });

  it('works with docker save and docker load against berthd', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    const file = join(d.dir, 'docker-save.tar');
    await ok(d.docker(['save', '-o', file, 'other:2']));
    await ok(d.berth(['rmi', 'other:2']));
    assert.equal(await ok(d.docker(['load', '-i', file])), 'Loaded image: other:2\n');
    assert.equal(
      (await ok(d.berth(['inspect', '--format', '{{.Id}}', 'other:2']))).trim(),
      sha(testImageConfig(fixtures[2]!)),
    );
  });

  it('prunes dangling images, then unused ones with -a', async () => {
    const loaded = await ok(d.berth(['load'], { input: buildArchive([{ layers: [tarFromEntries([{ name: 'p', data: 'prune me' }])], created: '2018-01-01T00:00:00Z' }]) }));
    const loadedId = /sha256:([a-f0-9]{64})/.exec(loaded)![1]!;
    const configSize = statSync(join(d.dataRoot, 'content', 'sha256', loadedId)).size;
    const out = await ok(d.berth(['image', 'prune', '-f']));
    const m = /^Deleted Images:\ndeleted: (sha256:[a-f0-9]{64})\ndeleted: sha256:[a-f0-9]{64}\n\nTotal reclaimed space: (\d+)B\n$/.exec(out);
    assert.ok(m, out);
    // The layer's 8 bytes and the image's config, which is gone from the content store.
    assert.equal(Number(m[2]), 8 + configSize, out);
    assert.equal(await ok(d.berth(['image', 'prune', '-f'])), 'Total reclaimed space: 0B\n');
    const declined = await d.berth(['image', 'prune'], { input: 'n\n' });
    assert.equal(declined.stdout, 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
    // -a removes every image no container uses (here: all), after asking.
    const before = JSON.parse((await api(d, 'GET', '/v1.41/images/json')).body).length;
    assert.ok(before > 0);
    const all = await ok(d.berth(['image', 'prune', '-a'], { input: 'y\n' }));
    assert.match(all, /^WARNING! This will remove all images without at least one container associated to them\.\nAre you sure you want to continue\? \[y\/N\] Deleted Images:\n(untagged: .*\n|deleted: sha256:[a-f0-9]{64}\n)+\nTotal reclaimed space: \S+\n$/);
    assert.equal(JSON.parse((await api(d, 'GET', '/v1.41/images/json')).body).length, 0);
    assert.deepEqual(readdirSync(join(d.dataRoot, 'layers')), ['l']);
    // Put back what the later tests use.
    await ok(d.berth(['import', rootfs, 'bb:1']));
  });

  it('reports disk usage like docker system df', async () => {
    const out = await ok(d.berth(['system', 'df']));
    const lines = out.split('\n');
    assert.match(lines[0]!, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/);
    assert.match(lines[1]!, /^Images\s+\d+\s+0\s+\S+\s+\S+ \(100%\)$/);
    assert.equal(lines[2], 'Containers      0         0         0B        0B');
    if (hasDocker) assert.equal(out, await ok(d.docker(['system', 'df'])));
    const du = JSON.parse((await api(d, 'GET', '/v1.41/system/df')).body);
    assert.ok(du.LayersSize > 0);
    assert.ok(du.Images.every((i: { SharedSize: number; Containers: number }) => i.SharedSize >= 0 && i.Containers === 0));
  });

  it('makes busybox:latest with scripts/make-busybox.sh', async () => {
    const script = join(distRoot, '..', 'scripts', 'make-busybox.sh');
    const wrapper = join(d.dir, 'berth-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${berthBin}" "$@"\n`, { mode: 0o755 });
    const r = await run('bash', [script], { env: { ...process.env, BERTH_HOST: d.host, BERTH: wrapper } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sha256:[a-f0-9]{64}\n$/);
    const inspect = JSON.parse(await ok(d.berth(['inspect', 'busybox'])))[0];
    assert.deepEqual(inspect.RepoTags, ['busybox:latest']);
    const diff = inspect.GraphDriver.Data.UpperDir as string;
    assert.ok(readdirSync(join(diff, 'bin')).includes('sh'));
    assert.match(readFileSync(join(diff, 'etc/passwd'), 'utf8'), /^nobody:x:65534:65534:/m);
  });

  it('keeps state consistent under concurrent tag and rmi of one image', async () => {
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      work.push(api(d, 'POST', `/v1.41/images/bb:1/tag?repo=conc&tag=t${i}`));
      work.push(api(d, 'DELETE', `/v1.41/images/conc:t${Math.max(0, i - 1)}`));
    }
    await Promise.all(work);
    const refs = JSON.parse(readFileSync(join(d.dataRoot, 'refs.json'), 'utf8')).refs as Record<string, string>;
    const listed = (await ok(d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', 'conc']))).trim().split('\n').filter(Boolean).sort();
    assert.deepEqual(listed, Object.keys(refs).filter((k) => k.startsWith('docker.io/library/conc:')).map((k) => k.slice('docker.io/library/'.length)).sort());
    await d.stop();
    await d.restart();
    const again = (await ok(d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', 'conc']))).trim().split('\n').filter(Boolean).sort();
    assert.deepEqual(again, listed);
  });
});
