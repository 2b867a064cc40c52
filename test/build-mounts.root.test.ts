/**
 * RUN --mount (cache, bind, tmpfs, secret, ssh), --network and --security through `berth build`
 * and through the docker CLI's legacy builder: what each mount shows the command, that mount
 * points never land in the layer, that cache mounts persist across builds and serialize with
 * sharing=locked, and that a secret's bytes are nowhere in the image, its history, its config
 * or the build cache's records.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, imageFiles, type BuildDaemon } from './build-fixture.js';
import { hasDocker, run } from './helpers/daemon.js';

const SECRET = 'S3CR3T-berth-7f2c9d41e0';
/** The Dockerfiles compare digests: the secret itself is in no instruction. */
const SECRET_SHA = createHash('sha256').update(SECRET).digest('hex');

/** Every file below `dir` (recursively), with tars among them unpacked, that holds `needle`. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe('berth build: RUN --mount', () => {
  let b: BuildDaemon;
  const ctx = (files: Parameters<BuildDaemon['context']>[0]) => b.context(files);
  before(async () => {
    b = await buildDaemon({ extraArgs: ['--allow-insecure-entitlement', 'security.insecure'] });
  });
  after(async () => {
    await b.cleanup();
  });

  it('cache: persists across builds, keyed by id, not in the layer, uid/gid/mode on its root', async () => {
    const df = [
      'FROM busybox', 'ARG N=1',
      'RUN --mount=type=cache,target=/cache echo "run $N" >> /cache/log && cp /cache/log /out',
      'RUN --mount=type=cache,id=shared-id,target=/a echo a > /a/f',
      'RUN --mount=type=cache,id=shared-id,target=/b,uid=1000,gid=1001,mode=0700 cat /b/f > /seen && stat -c "%u %g %a" /b > /stat',
      '',
    ].join('\n');
    const dir = ctx({ Dockerfile: df });
    const r1 = await b.build(dir, ['-t', 'mnt:cache1', '--build-arg', 'N=1']);
    assert.equal(r1.code, 0, r1.stderr + r1.stdout);
    const r2 = await b.build(dir, ['-t', 'mnt:cache2', '--build-arg', 'N=2']);
    assert.equal(r2.code, 0, r2.stderr + r2.stdout);
    const f = await imageFiles(b.d, 'mnt:cache2');
    assert.equal(f.get('/out')?.content, 'run 1\nrun 2\n', 'the second build sees what the first left in the cache');
    assert.equal(f.get('/seen')?.content, 'a\n', 'the same id is the same cache, whatever the target');
    assert.equal(f.get('/stat')?.content, '1000 1001 700\n');
    for (const p of ['/cache', '/a', '/b']) assert.ok(!f.has(p), `mount point ${p} is not in the image`);
    // Not part of the cache key: an unchanged step is a cache hit although the cache changed.
    const r3 = await b.build(dir, ['--build-arg', 'N=2']);
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(r3.stdout.match(/Using cache/g)?.length, 4, 'ARG and the three RUNs');
    // Kept under the data root.
    assert.ok(readdirSync(join(b.d.dataRoot, 'cachemounts')).length >= 2);
  });

  it('cache: sharing=locked serializes two concurrent builds using the same id', async () => {
    // Each step marks the cache busy for 2 s; a step that finds it busy records an overlap.
    const step = (tag: string) =>
      `RUN --mount=type=cache,id=lock-test,target=/c,sharing=locked if [ -e /c/busy ]; then echo overlap >> /c/log; fi; touch /c/busy; echo "start ${tag}" >> /c/log; sleep 2; echo "end ${tag}" >> /c/log; rm /c/busy`;
    const d1 = ctx({ Dockerfile: `FROM busybox\n${step('one')}\n` });
    const d2 = ctx({ Dockerfile: `FROM busybox\n${step('two')}\n` });
    const [r1, r2] = await Promise.all([b.build(d1), b.build(d2)]);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r2.code, 0, r2.stderr);
    const check = ctx({ Dockerfile: 'FROM busybox\nRUN --mount=type=cache,id=lock-test,target=/c cp /c/log /log\n' });
    const r3 = await b.build(check, ['-t', 'mnt:lock']);
    assert.equal(r3.code, 0, r3.stderr);
    const lines = (await imageFiles(b.d, 'mnt:lock')).get('/log')!.content!.trim().split('\n');
    assert.equal(lines.length, 4, lines.join('|'));
    // start X, end X, start Y, end Y: never interleaved.
    assert.match(lines.join('|'), /^start (one|two)\|end \1\|start (one|two)\|end \2$/);
    assert.notEqual(lines[0], lines[2]);
  });

  it('bind: the context (ro by default, rw writes discarded), a stage, an image', async () => {
    const dir = ctx({
      Dockerfile: [
        'FROM busybox AS s', 'RUN echo from-stage > /f',
        'FROM busybox',
        'RUN --mount=type=bind,source=sub,target=/src cat /src/a > /ctx && (touch /src/x 2>/dev/null && echo writable || echo ro) > /ro',
        'RUN --mount=type=bind,target=/w,rw echo changed > /w/sub/a && cat /w/sub/a > /rw',
        'RUN --mount=type=bind,from=s,source=/f,target=/m/f cat /m/f > /stage',
        'RUN --mount=type=bind,from=busybox,source=/etc,target=/img cat /img/passwd | head -1 > /image',
        '',
      ].join('\n'),
      'sub/a': 'from-context\n',
      '.dockerignore': 'secret.txt\n',
      'secret.txt': 'ignored\n',
    });
    const r = await b.build(dir, ['-t', 'mnt:bind']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const f = await imageFiles(b.d, 'mnt:bind');
    assert.equal(f.get('/ctx')?.content, 'from-context\n');
    assert.equal(f.get('/ro')?.content, 'ro\n');
    assert.equal(f.get('/rw')?.content, 'changed\n');
    assert.equal(readFileSync(join(dir, 'sub/a'), 'utf8'), 'from-context\n', 'rw writes never reach the context');
    assert.equal(f.get('/stage')?.content, 'from-stage\n');
    assert.match(f.get('/image')?.content ?? '', /^root:/);
    for (const p of ['/src', '/w', '/m', '/img']) assert.ok(!f.has(p), `mount point ${p} is not in the image`);
    // The bind's content is in the cache key: changing a bound context file re-runs the step.
    writeFileSync(join(dir, 'sub/a'), 'edited\n');
    const r2 = await b.build(dir, ['-t', 'mnt:bind2']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((await imageFiles(b.d, 'mnt:bind2')).get('/ctx')?.content, 'edited\n');
  });

  it('tmpfs: a tmpfs of the given size, nothing of it kept', async () => {
    const dir = ctx({
      Dockerfile: 'FROM busybox\nRUN --mount=type=tmpfs,target=/t,size=1m grep " /t tmpfs " /proc/mounts | grep -o "size=[0-9a-z]*" > /mnt.txt && echo x > /t/f\n',
    });
    const r = await b.build(dir, ['-t', 'mnt:tmpfs']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const f = await imageFiles(b.d, 'mnt:tmpfs');
    assert.equal(f.get('/mnt.txt')?.content, 'size=1024k\n');
    assert.ok(!f.has('/t'));
  });

  it('secret: as a file and as a variable, never in a layer, the history, the config or the cache records', async () => {
    const dir = ctx({
      Dockerfile: [
        'FROM busybox',
        `RUN --mount=type=secret,id=tok [ "$(sha256sum < /run/secrets/tok | cut -d' ' -f1)" = "${SECRET_SHA}" ] && stat -c "%a %u" /run/secrets/tok > /file-ok`,
        `RUN --mount=type=secret,id=tok,env=TOK,target=/s/t,mode=0440,uid=1000 [ "$(printf %s "$TOK" | sha256sum | cut -d' ' -f1)" = "${SECRET_SHA}" ] && stat -c "%a %u" /s/t > /env-ok`,
        'RUN --mount=type=secret,id=missing echo optional > /opt-ok',
        '',
      ].join('\n'),
    });
    const src = join(dir, '..', `secret-${Date.now()}`);
    writeFileSync(src, SECRET);
    try {
      const r = await b.build(dir, ['-t', 'mnt:secret', '--secret', `id=tok,src=${src}`]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.ok(!r.stdout.includes(SECRET));
      const f = await imageFiles(b.d, 'mnt:secret');
      assert.equal(f.get('/file-ok')?.content, '400 0\n');
      assert.equal(f.get('/env-ok')?.content, '440 1000\n');
      assert.equal(f.get('/opt-ok')?.content, 'optional\n');
      assert.ok(!f.has('/run/secrets'), 'no mount point left in a layer');
      assert.ok(!f.has('/s'));
      // Every layer tar, the config and the manifest of the saved image.
      const out = mkdtempSync(join(tmpdir(), 'berth-secret-'));
      try {
        assert.equal((await b.d.berth(['save', '-o', join(out, 'img.tar'), 'mnt:secret'])).code, 0);
        await run('tar', ['-xf', join(out, 'img.tar'), '-C', out]);
        rmSync(join(out, 'img.tar'));
        assert.deepEqual(await filesHolding(out, SECRET), []);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      const hist = await b.d.berth(['history', '--no-trunc', 'mnt:secret']);
      assert.ok(!hist.stdout.includes(SECRET));
      const insp = await b.d.berth(['image', 'inspect', 'mnt:secret']);
      assert.ok(!insp.stdout.includes(SECRET));
      // The build cache's records (keys and their stored parts) and everything else on the data root.
      assert.deepEqual(await filesHolding(join(b.d.dataRoot, 'buildcache'), SECRET), []);
      assert.deepEqual(await filesHolding(b.d.dataRoot, SECRET), []);
      // A failed step's kept container (--rm=false) keeps no secret variable on disk.
      const failing = ctx({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=tok,env=TOK false\n' });
      const kept = await b.build(failing, ['--rm=false', '--secret', `id=tok,src=${src}`]);
      assert.equal(kept.code, 1, kept.stderr);
      assert.deepEqual(await filesHolding(b.d.dataRoot, SECRET), []);
      // A required secret that was not given fails the step.
      const req = ctx({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=nope,required true\n' });
      const bad = await b.build(req);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /secret nope: not found/);
      // From an environment variable.
      const envDir = ctx({ Dockerfile: `FROM busybox\nRUN --mount=type=secret,id=API_TOKEN [ "$(sha256sum < /run/secrets/API_TOKEN | cut -d' ' -f1)" = "${SECRET_SHA}" ]\n` });
      const viaEnv = await b.build(envDir, ['--secret', 'id=API_TOKEN'], { env: { API_TOKEN: SECRET } });
      assert.equal(viaEnv.code, 0, viaEnv.stderr + viaEnv.stdout);
    } finally {
      rmSync(src, { force: true });
    }
  });

  it('ssh: forwards the agent socket at /run/buildkit/ssh_agent.0 with SSH_AUTH_SOCK set', async () => {
    const sockDir = mkdtempSync(join(tmpdir(), 'berth-agent-'));
    const sock = join(sockDir, 'agent.sock');
    let connections = 0;
    const server: Server = createServer((c) => {
      connections++;
      c.end('agent-hello\n');
    });
    await new Promise<void>((r) => server.listen(sock, () => r()));
    try {
      // A static unix-socket client for the step (busybox has none).
      const files: Record<string, string> = {
        Dockerfile: [
          'FROM busybox',
          'RUN --mount=type=ssh echo "$SSH_AUTH_SOCK" > /sock && stat -c "%a" "$SSH_AUTH_SOCK" > /mode && test -S "$SSH_AUTH_SOCK"',
          '',
        ].join('\n'),
      };
      const dir = ctx(files);
      let client = false;
      try {
        writeFileSync(join(dir, 'c.c'), [
          '#include <sys/socket.h>', '#include <sys/un.h>', '#include <string.h>', '#include <stdlib.h>', '#include <unistd.h>',
          'int main(void){struct sockaddr_un a={0};a.sun_family=AF_UNIX;strncpy(a.sun_path,getenv("SSH_AUTH_SOCK"),sizeof a.sun_path-1);',
          'int s=socket(AF_UNIX,SOCK_STREAM,0);if(connect(s,(void*)&a,sizeof a))return 1;char b[64];int n=read(s,b,sizeof b);if(n>0)write(1,b,n);return 0;}',
        ].join('\n'));
        execFileSync('gcc', ['-static', '-O1', '-o', join(dir, 'sockcat'), join(dir, 'c.c')], { stdio: 'ignore' });
        client = true;
        writeFileSync(join(dir, 'Dockerfile'), `${files.Dockerfile}COPY sockcat /sockcat\nRUN --mount=type=ssh /sockcat > /reply\n`);
      } catch {
        /* no static C toolchain: the socket's presence is still checked */
      }
      const r = await b.build(dir, ['-t', 'mnt:ssh', '--ssh', `default=${sock}`]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const f = await imageFiles(b.d, 'mnt:ssh');
      assert.equal(f.get('/sock')?.content, '/run/buildkit/ssh_agent.0\n');
      assert.equal(f.get('/mode')?.content, '600\n');
      assert.ok(!f.has('/run/buildkit'));
      if (client) {
        assert.equal(f.get('/reply')?.content, 'agent-hello\n');
        assert.ok(connections >= 1);
      }
      // Required and not forwarded: a clear error.
      const req = ctx({ Dockerfile: 'FROM busybox\nRUN --mount=type=ssh,id=other,required true\n' });
      const bad = await b.build(req, ['--ssh', `default=${sock}`]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /no SSH key "other" forwarded from the client/);
    } finally {
      server.close();
      rmSync(sockDir, { recursive: true, force: true });
    }
  });

  it('--network=none and --security=insecure (only with --allow security.insecure)', async () => {
    const dir = ctx({
      Dockerfile: 'FROM busybox\nRUN --network=none ip -o link | grep -v " lo:" | wc -l > /links\nRUN --security=insecure cat /proc/self/status | grep CapEff > /caps\n',
    });
    const denied = await b.build(dir);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /security\.insecure is not allowed/);
    const r = await b.build(dir, ['-t', 'mnt:sec', '--allow', 'security.insecure']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const f = await imageFiles(b.d, 'mnt:sec');
    assert.equal(f.get('/links')?.content?.trim(), '0');
    const caps = BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(f.get('/caps')?.content ?? '')?.[1] ?? '0'}`);
    assert.ok(caps & (1n << 21n), 'CAP_SYS_ADMIN: a privileged container');
  });

  it('# syntax= names the standard frontend: a note; any other frontend: an error naming the line', async () => {
    const ok = await b.build(ctx({ Dockerfile: '# syntax=docker/dockerfile:1.7-labs\nFROM busybox\nRUN --mount=type=tmpfs,target=/x true\n' }));
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Note: Dockerfile:1: # syntax=docker\/dockerfile:1\.7-labs: berth reads this Dockerfile with its own frontend/);
    const bad = await b.build(ctx({ Dockerfile: '# syntax=example.com/my/frontend:2\nFROM busybox\n' }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Dockerfile:1: unsupported frontend "example\.com\/my\/frontend:2"/);
  });

  it('the docker CLI (DOCKER_BUILDKIT=0): a cache mount and a secret (header from config.json)', { skip: !hasDocker }, async () => {
    const configDir = join(b.d.dir, 'docker-config');
    mkdirSync(configDir, { recursive: true });
    const header = Buffer.from(JSON.stringify({ tok: Buffer.from(SECRET).toString('base64') })).toString('base64');
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ HttpHeaders: { 'X-Berth-Build-Secrets': header } }));
    try {
      const dir = ctx({
        Dockerfile: [
          'FROM busybox', 'ARG N=1',
          'RUN --mount=type=cache,target=/dc echo "d$N" >> /dc/log && cp /dc/log /out',
          `RUN --mount=type=secret,id=tok [ "$(sha256sum < /run/secrets/tok | cut -d' ' -f1)" = "${SECRET_SHA}" ] && echo ok > /secret-ok`,
          '',
        ].join('\n'),
      });
      const r1 = await b.dockerBuild(dir, ['--build-arg', 'N=1']);
      assert.equal(r1.code, 0, r1.stderr + r1.stdout);
      const r2 = await b.dockerBuild(dir, ['--build-arg', 'N=2', '-t', 'mnt:docker']);
      assert.equal(r2.code, 0, r2.stderr + r2.stdout);
      assert.match(r2.stdout, /Successfully tagged mnt:docker/);
      const f = await imageFiles(b.d, 'mnt:docker');
      assert.equal(f.get('/out')?.content, 'd1\nd2\n');
      assert.equal(f.get('/secret-ok')?.content, 'ok\n');
      assert.ok(!existsSync(join(b.d.dataRoot, 'tmp', 'secrets')));
    } finally {
      rmSync(join(configDir, 'config.json'), { force: true });
    }
  });
});
