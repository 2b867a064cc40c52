/**
 * Registry integration: a CNCF Distribution registry on 127.0.0.1 (started here), berthd
 * pushing and pulling with the berth CLI and the docker CLI. Push then pull into a fresh data
 * root gives the same image ID; a second push sends nothing ("Layer already exists"); a push
 * to another repository mounts; a registry blob that does not match its digest is refused
 * and leaves nothing behind; an interrupted download resumes with Range; docker.io names go
 * to a mirror.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildArchive } from '../src/store/testing/archive.js';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { hasDocker, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';

async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function imageId(d: TestDaemon, name: string): Promise<string> {
  return (await ok(d.berth(['inspect', '-f', '{{.Id}}', name]))).trim();
}

/**
 * Five layers of random content (it does not compress), a few hundred kB each, as `tag`; and as
 * `moreTag`, the same five and a sixth.
 */
function fiveLayerArchive(tag: string, moreTag: string): Buffer {
  const layers = [1, 2, 3, 4, 5, 6].map((n) =>
    tarFromEntries([{ name: `layer${n}/`, type: 'dir' }, { name: `layer${n}/data`, data: randomBytes(300_000 + n * 1000) }]),
  );
  return buildArchive([
    { tags: [tag], layers: layers.slice(0, 5), created: '2024-01-01T00:00:00Z' },
    { tags: [moreTag], layers, created: '2024-01-01T00:00:00Z' },
  ]);
}

describe('registry: push and pull', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let reg: TestRegistry;
  let src: TestDaemon;
  let dst: TestDaemon;
  let host: string;
  before(async () => {
    reg = await startRegistry();
    host = reg.host;
    [src, dst] = await Promise.all([startDaemon(), startDaemon()]);
    writeFileSync(join(src.dir, 'rootfs.tar'), busyboxRootfsTar());
    await ok(src.berth(['import', '-c', 'CMD ["sh"]', join(src.dir, 'rootfs.tar'), `${host}/bb:1`]));
  });
  after(async () => {
    await Promise.all([src?.cleanup(), dst?.cleanup()]);
    await reg?.stop();
  });

  let pushedDigest = '';

  it('pushes with Docker\'s messages, and a second push sends nothing', async () => {
    const out = await ok(src.berth(['push', `${host}/bb:1`]));
    const lines = out.trim().split('\n');
    assert.equal(lines[0], `The push refers to repository [${host}/bb]`);
    assert.match(out, /^[0-9a-f]{12}: Preparing$/m);
    assert.match(out, /^[0-9a-f]{12}: Pushed$/m);
    const m = /^1: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/m.exec(out);
    assert.ok(m, out);
    pushedDigest = m[1]!;
    const again = await ok(src.berth(['push', `${host}/bb:1`]));
    assert.match(again, /^[0-9a-f]{12}: Layer already exists$/m);
    assert.doesNotMatch(again, /Pushed/);
    assert.match(again, new RegExp(`^1: digest: ${pushedDigest} size: ${m[2]}$`, 'm'), 'deterministic gzip: same manifest digest');
    const inspect = JSON.parse(await ok(src.berth(['inspect', `${host}/bb:1`])))[0];
    assert.deepEqual(inspect.RepoDigests, [`${host}/bb@${pushedDigest}`]);
  });

  it('pulls into a fresh data root: same image ID, digests, up to date the second time', async () => {
    const out = await ok(dst.berth(['pull', `${host}/bb:1`]));
    const lines = out.trim().split('\n');
    assert.equal(lines[0], '1: Pulling from bb');
    assert.match(out, /^[0-9a-f]{12}: Pulling fs layer$/m);
    assert.match(out, /^[0-9a-f]{12}: Download complete$/m);
    assert.match(out, /^[0-9a-f]{12}: Pull complete$/m);
    assert.deepEqual(lines.slice(-3), [`Digest: ${pushedDigest}`, `Status: Downloaded newer image for ${host}/bb:1`, `${host}/bb:1`]);
    assert.equal(await imageId(dst, `${host}/bb:1`), await imageId(src, `${host}/bb:1`));
    const digests = await ok(dst.berth(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}']));
    assert.equal(digests.trim(), `${host}/bb 1 ${pushedDigest}`);
    // As dockerd: an image already here gets no per-layer lines.
    const again = await ok(dst.berth(['pull', `${host}/bb:1`]));
    assert.deepEqual(again.trim().split('\n'), ['1: Pulling from bb', `Digest: ${pushedDigest}`, `Status: Image is up to date for ${host}/bb:1`, `${host}/bb:1`]);
    const byDigest = await ok(dst.berth(['pull', '-q', `${host}/bb@${pushedDigest}`]));
    assert.equal(byDigest.trim(), `${host}/bb@${pushedDigest}`);
    assert.equal(await imageId(dst, `${host}/bb@${pushedDigest}`), await imageId(src, `${host}/bb:1`));
  });

  it('mounts a layer from another repository of the same registry', async () => {
    await ok(src.berth(['tag', `${host}/bb:1`, `${host}/team/bb:2`]));
    const out = await ok(src.berth(['push', `${host}/team/bb:2`]));
    assert.match(out, /^[0-9a-f]{12}: Mounted from bb$/m);
    assert.match(out, new RegExp(`^2: digest: ${pushedDigest}`, 'm'));
  });

  it('pushes and pulls every tag with -a', async () => {
    for (const t of ['a', 'b']) await ok(src.berth(['tag', `${host}/bb:1`, `${host}/alltags:${t}`]));
    const push = await ok(src.berth(['push', '-a', `${host}/alltags`]));
    assert.match(push, /^a: digest: sha256:/m);
    assert.match(push, /^b: digest: sha256:/m);
    const pull = await ok(dst.berth(['pull', '-a', `${host}/alltags`]));
    assert.match(pull, /^a: Pulling from alltags$/m);
    assert.match(pull, /^b: Pulling from alltags$/m);
    assert.equal(pull.trim().split('\n').pop(), `Status: Downloaded newer image for ${host}/alltags`);
    const tags = await ok(dst.berth(['images', '--format', '{{.Tag}}', `${host}/alltags`]));
    assert.deepEqual(tags.trim().split('\n').sort(), ['a', 'b']);
  });

  it('pushes and pulls five layers, three downloads at a time', async () => {
    writeFileSync(join(src.dir, 'five.tar'), fiveLayerArchive(`${host}/five:v1`, `${host}/five:v2`));
    await ok(src.berth(['load', '-i', join(src.dir, 'five.tar')]));
    const push = await ok(src.berth(['push', `${host}/five:v1`]));
    assert.equal(push.match(/: Pushed$/gm)?.length, 5);
    const out = await ok(dst.berth(['pull', `${host}/five:v1`]));
    assert.equal(out.match(/: Pull complete$/gm)?.length, 5);
    assert.equal(out.match(/: Waiting$/gm)?.length, 2);
    assert.equal(await imageId(dst, `${host}/five:v1`), await imageId(src, `${host}/five:v1`));
    const save = await dst.berth(['save', '-o', join(dst.dir, 'five-out.tar'), `${host}/five:v1`]);
    assert.equal(save.code, 0, save.stderr);
    // A new image on layers that are here: those are "Already exists", only the new one comes.
    await ok(src.berth(['push', `${host}/five:v2`]));
    const more = await ok(dst.berth(['pull', `${host}/five:v2`]));
    assert.equal(more.match(/^[0-9a-f]{12}: Already exists$/gm)?.length, 5, more);
    assert.equal(more.match(/: Pull complete$/gm)?.length, 1, more);
    assert.equal(await imageId(dst, `${host}/five:v2`), await imageId(src, `${host}/five:v2`));
  });

  it('run pulls a missing image (--pull missing|never), FROM pulls a missing base, build --pull checks again', async () => {
    await ok(src.berth(['tag', `${host}/bb:1`, `${host}/runme:1`]));
    await ok(src.berth(['push', `${host}/runme:1`]));
    const never = await dst.berth(['run', '--rm', '--pull', 'never', `${host}/runme:1`, 'echo', 'hi']);
    assert.equal(never.code, 125);
    assert.match(never.stderr, /No such image/);
    const r = await dst.berth(['run', '--rm', `${host}/runme:1`, 'echo', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    assert.match(r.stderr, new RegExp(`^Unable to find image '${host.replace(/\./g, '\\.')}/runme:1' locally$`, 'm'));
    assert.match(r.stderr, /^1: Pulling from runme$/m);
    assert.match(r.stderr, /Status: Downloaded newer image/);
    const bad = await dst.berth(['run', '--rm', '--pull', 'sometimes', `${host}/runme:1`, 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /invalid pull option: 'sometimes'/);

    await ok(src.berth(['tag', `${host}/bb:1`, `${host}/frombase:1`]));
    await ok(src.berth(['push', `${host}/frombase:1`]));
    const ctxDir = join(dst.dir, 'build-ctx');
    mkdirSync(ctxDir);
    writeFileSync(join(ctxDir, 'Dockerfile'), `FROM ${host}/frombase:1\nCOPY f /f\n`);
    writeFileSync(join(ctxDir, 'f'), 'x');
    const b = await ok(dst.berth(['build', '--progress', 'classic', '-t', 'built:1', ctxDir]));
    assert.match(b, /1: Pulling from frombase/);
    assert.match(b, /Status: Downloaded newer image for/);
    assert.match(b, /Successfully tagged built:1/);
    const again = await ok(dst.berth(['build', '--pull', '--progress', 'classic', ctxDir]));
    assert.match(again, /Status: Image is up to date for/);
  });

  it('shows the missing manifest as Docker does', async () => {
    const r = await dst.berth(['pull', `${host}/nothere:1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error response from daemon: manifest for 127\.0\.0\.1:\d+\/nothere:1 not found: manifest unknown/);
  });

  it('works with the docker CLI (push, pull, digests)', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    await ok(src.docker(['tag', `${host}/bb:1`, `${host}/viadocker:x`]));
    const push = await ok(src.docker(['push', `${host}/viadocker:x`]));
    assert.match(push, /Mounted from|Layer already exists/);
    assert.match(push, new RegExp(`x: digest: ${pushedDigest} size: \\d+`));
    const pull = await ok(dst.docker(['pull', `${host}/viadocker:x`]));
    assert.match(pull, /Digest: sha256:[0-9a-f]{64}/);
    assert.match(pull, new RegExp(`${host.replace(/\./g, '\\.')}/viadocker:x$`, 'm'));
    const images = await ok(dst.docker(['images', '--digests', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}', `${host}/viadocker`]));
    assert.equal(images.trim(), `${host}/viadocker:x ${pushedDigest}`);
  });
});

describe('registry: verification, resume and mirrors', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let reg: TestRegistry;
  let src: TestDaemon;
  before(async () => {
    reg = await startRegistry();
    src = await startDaemon();
    writeFileSync(join(src.dir, 'five.tar'), fiveLayerArchive(`${reg.host}/five:v1`, `${reg.host}/five:v2`));
    await ok(src.berth(['load', '-i', join(src.dir, 'five.tar')]));
    await ok(src.berth(['push', `${reg.host}/five:v1`]));
    await ok(src.berth(['tag', `${reg.host}/five:v1`, `${reg.host}/library/mirrored:v1`]));
    await ok(src.berth(['push', `${reg.host}/library/mirrored:v1`]));
    await ok(src.berth(['tag', `${reg.host}/five:v1`, `${reg.host}/bad:v1`]));
    await ok(src.berth(['push', `${reg.host}/bad:v1`]));
  });
  after(async () => {
    await src?.cleanup();
    await reg?.stop();
  });

  it('refuses a blob that does not match its digest, storing nothing', async () => {
    // A copy of the registry's storage where one layer blob is corrupted.
    const bad = await startRegistry();
    const d = await startDaemon();
    try {
      await bad.kill();
      const { cpSync } = await import('node:fs');
      cpSync(join(reg.dir, 'data'), join(bad.dir, 'data'), { recursive: true });
      const blobs = join(bad.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256');
      let largest = '';
      let size = 0;
      for (const p of readdirSync(blobs)) {
        for (const h of readdirSync(join(blobs, p))) {
          const f = join(blobs, p, h, 'data');
          const n = readFileSync(f).length;
          if (n > size) [largest, size] = [f, n];
        }
      }
      const bytes = readFileSync(largest);
      bytes[bytes.length - 100] ^= 0xff;
      writeFileSync(largest, bytes);
      await bad.start();
      const r = await d.berth(['pull', `${bad.host}/bad:v1`]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /filesystem layer verification failed for digest sha256:[0-9a-f]{64}/);
      assert.equal((await ok(d.berth(['images', '-q']))).trim(), '');
      assert.deepEqual(readdirSync(join(d.dataRoot, 'layers')).filter((n) => n !== 'l'), []);
      assert.deepEqual(readdirSync(join(d.dataRoot, 'layers', 'l')), []);
    } finally {
      await d.cleanup();
      await bad.stop();
    }
  });

  it('refuses a blob whose bytes still decompress to the right layer but do not match its digest', async () => {
    // Only the gzip header's modification time differs: the tar and its diffID are the same,
    // so the blob digest, checked as the blob streams into the extraction, is what refuses it.
    const bad = await startRegistry();
    const d = await startDaemon();
    try {
      await bad.kill();
      const { cpSync } = await import('node:fs');
      cpSync(join(reg.dir, 'data'), join(bad.dir, 'data'), { recursive: true });
      const blobs = join(bad.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256');
      let largest = '';
      let size = 0;
      for (const p of readdirSync(blobs)) {
        for (const h of readdirSync(join(blobs, p))) {
          const f = join(blobs, p, h, 'data');
          const n = readFileSync(f).length;
          if (n > size) [largest, size] = [f, n];
        }
      }
      const bytes = readFileSync(largest);
      assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'the largest blob is a gzip layer');
      bytes[4] ^= 0x01;
      writeFileSync(largest, bytes);
      await bad.start();
      const r = await d.berth(['pull', `${bad.host}/bad:v1`]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /filesystem layer verification failed for digest sha256:[0-9a-f]{64}/);
      assert.equal((await ok(d.berth(['images', '-q']))).trim(), '');
      assert.deepEqual(readdirSync(join(d.dataRoot, 'layers')).filter((n) => n !== 'l'), []);
      assert.deepEqual(readdirSync(join(d.dataRoot, 'layers', 'l')), []);
    } finally {
      await d.cleanup();
      await bad.stop();
    }
  });

  it('resumes a download cut off mid-blob with a Range request', async () => {
    // A proxy in front of the registry that drops the first blob response halfway.
    const ranges: string[] = [];
    let cut = false;
    const proxy: Server = createServer((req, res) => {
      const isBlob = /\/blobs\/sha256:/.test(req.url ?? '') && req.method === 'GET';
      if (isBlob && req.headers.range) ranges.push(req.headers.range);
      const up = request({ host: '127.0.0.1', port: Number(reg.host.split(':')[1]), method: req.method, path: req.url, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        if (isBlob && !cut && ur.statusCode === 200 && Number(ur.headers['content-length']) > 100_000) {
          cut = true;
          let sent = 0;
          ur.on('data', (c: Buffer) => {
            if (sent > 50_000) return;
            sent += c.length;
            res.write(c);
            // Give berthd time to read what was sent, then drop the connection.
            if (sent > 50_000) setTimeout(() => res.socket?.destroy(), 500);
          });
          return;
        }
        ur.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as AddressInfo).port;
    const d = await startDaemon();
    try {
      const r = await ok(d.berth(['pull', `127.0.0.1:${port}/five:v1`]));
      assert.match(r, /Status: Downloaded newer image/);
      assert.ok(cut, 'the proxy cut a download');
      assert.equal(ranges.length, 1, 'one resumed request');
      assert.match(ranges[0]!, /^bytes=\d+-$/);
      assert.ok(Number(/\d+/.exec(ranges[0]!)![0]) > 0);
      assert.equal(await imageId(d, `127.0.0.1:${port}/five:v1`), await imageId(src, `${reg.host}/five:v1`));
    } finally {
      await d.cleanup();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('pulls docker.io names from a registry mirror', async () => {
    const cfg = join(src.dir, 'daemon.json');
    writeFileSync(cfg, JSON.stringify({ 'registry-mirrors': [`http://${reg.host}`] }));
    const d = await startDaemon({ extraArgs: ['--config-file', cfg] });
    try {
      const out = await ok(d.berth(['pull', 'mirrored:v1']));
      assert.match(out, /^v1: Pulling from library\/mirrored$/m);
      assert.match(out, /Status: Downloaded newer image for mirrored:v1/);
      assert.equal(out.trim().split('\n').pop(), 'docker.io/library/mirrored:v1');
      assert.equal(await imageId(d, 'mirrored:v1'), await imageId(src, `${reg.host}/five:v1`));
    } finally {
      await d.cleanup();
    }
  });
});
