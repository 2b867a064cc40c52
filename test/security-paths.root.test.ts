/**
 * No path race out of a container (the CVE-2018-15664 class): a process in a running container
 * exchanges a directory and a symlink to a host directory in a tight renameat2(RENAME_EXCHANGE)
 * loop while the test copies in (PUT /archive), copies out (GET and HEAD /archive) and exports
 * through that path, for a few seconds each. Nothing may ever be written into the host
 * directory, and no host file's content or size may ever come back. Then the `cp` path forms
 * whose behaviour follows Docker's archive API (the container's real /etc/hosts, a single
 * file's entry name, `dir/.`, `file/`). And a build whose RUN leaves links to a host directory
 * in the stage: COPY, ADD and WORKDIR through them write inside the image, never on the host.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { TarParser } from '../src/util/tar/parser.js';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

const RACE_MS = 3_000;
const HOST_SECRET = 'HOST-SECRET-CONTENT-0123456789';
const INSIDE = 'container-file';

interface Reply {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
}

function api(d: TestDaemon, method: string, path: string, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: body ? { 'Content-Type': 'application/x-tar' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function tarEntries(tar: Buffer): { name: string; type: string; data: string }[] {
  const out: { name: string; type: string; data: string }[] = [];
  const p = new TarParser({
    raw: () => {},
    entry: (h) => out.push({ name: h.name, type: h.type, data: '' }),
    data: (c) => (out[out.length - 1]!.data += c.toString()),
    entryEnd: () => {},
  });
  p.push(tar);
  p.end();
  return out;
}

const SWAP_C = `
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
int main(int argc, char **argv) {
  if (argc != 3) return 2;
  for (;;) renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
}
`;

describe('no path race out of a container', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let bin: string;
  let host: string;
  before(async () => {
    d = await daemonWithBusybox();
    bin = join(d.dir, 'bin');
    host = join(d.dir, 'host');
    mkdirSync(bin);
    mkdirSync(host);
    writeFileSync(join(bin, 'swap.c'), SWAP_C);
    execFileSync('cc', ['-static', '-O2', '-o', join(bin, 'swap'), join(bin, 'swap.c')]);
    writeFileSync(join(host, 'inside.txt'), HOST_SECRET);
    // /race/d (a real directory) and /race/l (a symlink to the host directory) trade places
    // continuously; a host-side resolution of /race/d that follows the link lands in `host`.
    await ok(d.berth(['run', '-d', '--name', 'racer', '-v', `${bin}:/x:ro`, 'busybox', 'sh', '-c',
      `mkdir -p /race/d && echo -n ${INSIDE} > /race/d/inside.txt && ln -s ${host} /race/l && exec /x/swap /race/d /race/l`]));
    // Wait until the loop runs: /race/d is seen as a symlink at least once.
    for (let i = 0; i < 100; i++) {
      if ((await d.berth(['exec', 'racer', 'sh', '-c', 'test -L /race/d || test -L /race/d || test -L /race/d'])).code === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  function hostUntouched(): void {
    assert.deepEqual(readdirSync(host), ['inside.txt']);
    assert.equal(readFileSync(join(host, 'inside.txt'), 'utf8'), HOST_SECRET);
  }

  it('cp into the container never writes on the host', async () => {
    let n = 0;
    let written = 0;
    const errors: string[] = [];
    const deadline = Date.now() + RACE_MS;
    while (Date.now() < deadline) {
      n++;
      // Into the swapped directory itself, and through it from its parent.
      const a = await api(d, 'PUT', '/containers/racer/archive?path=/race/d', tarFromEntries([{ name: `put-${n}`, data: 'x' }]));
      const b = await api(d, 'PUT', '/containers/racer/archive?path=/race', tarFromEntries([{ name: `d/sub-${n}`, data: 'y' }]));
      if (a.status === 200) written++;
      if (b.status === 200) written++;
      for (const r of [a, b]) if (r.status !== 200) errors.push(`${r.status} ${r.body}`);
    }
    hostUntouched();
    // Refusals are fine (the path was a symlink at that moment), but say nothing of the host.
    for (const e of errors) assert.match(e, /^(400|404|500) /);
    assert.deepEqual(errors.filter((e) => e.includes(d.dir)), []);
    assert.ok(written > 0, 'no upload succeeded: the race test proved nothing');
    console.log(`# cp in: ${2 * n} uploads, ${written} written inside, 0 on the host`);
  });

  it('cp out of the container and HEAD never return host content', async () => {
    let n = 0;
    let inside = 0;
    const deadline = Date.now() + RACE_MS;
    while (Date.now() < deadline) {
      n++;
      const file = await api(d, 'GET', '/containers/racer/archive?path=/race/d/inside.txt');
      const dir = await api(d, 'GET', '/containers/racer/archive?path=/race/d/');
      const head = await api(d, 'HEAD', '/containers/racer/archive?path=/race/d/inside.txt');
      for (const r of [file, dir]) {
        assert.ok(!r.body.includes(HOST_SECRET), `host content returned (status ${r.status})`);
        if (r.status === 200 && tarEntries(r.body).some((e) => e.data === INSIDE)) inside++;
      }
      if (head.status === 200) {
        const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString());
        assert.notEqual(stat.size, HOST_SECRET.length, 'the host file was stat-ed');
      }
    }
    hostUntouched();
    assert.ok(inside > 0, 'no download succeeded: the race test proved nothing');
    console.log(`# cp out: ${3 * n} requests, ${inside} with the container's file, 0 with the host's`);
  });

  it('export never returns host content', async () => {
    let n = 0;
    const deadline = Date.now() + RACE_MS;
    while (Date.now() < deadline) {
      n++;
      const r = await api(d, 'GET', '/containers/racer/export');
      assert.equal(r.status, 200);
      assert.ok(!r.body.includes(HOST_SECRET), 'host content in the export');
      assert.ok(tarEntries(r.body).some((e) => e.name === 'bin/busybox'));
    }
    hostUntouched();
    console.log(`# export: ${n} exports, 0 with host content`);
  });
});

describe('cp path forms as Docker', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let scratch: string;
  before(async () => {
    d = await daemonWithBusybox();
    scratch = join(d.dir, 'scratch');
    mkdirSync(scratch);
    await ok(d.berth(['run', '-d', '--name', 'c', '--add-host', 'extra.example:10.1.2.3', 'busybox', 'sh', '-c',
      'mkdir -p /src/sub && echo -n a > /src/a && echo -n b > /src/sub/b && echo -n hello > /tmp/hello.txt && exec sleep 1000']));
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it('cp C:/etc/hosts - gives the container\'s real hosts file', async () => {
    const real = await ok(d.berth(['exec', 'c', 'cat', '/etc/hosts']));
    assert.match(real, /10\.1\.2\.3\textra\.example/);
    const r = await api(d, 'GET', '/containers/c/archive?path=/etc/hosts');
    assert.equal(r.status, 200);
    assert.deepEqual(tarEntries(r.body).map((e) => [e.name, e.data]), [['hosts', real]]);
    const cli = await d.berth(['cp', 'c:/etc/hosts', '-']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /extra\.example/);
  });

  it('a single file keeps its name in the archive and takes the destination\'s', async () => {
    const r = await api(d, 'GET', '/containers/c/archive?path=/tmp/hello.txt');
    assert.deepEqual(tarEntries(r.body).map((e) => e.name), ['hello.txt']);
    await ok(d.berth(['cp', 'c:/tmp/hello.txt', './y.txt'], { cwd: scratch }));
    assert.equal(readFileSync(join(scratch, 'y.txt'), 'utf8'), 'hello');
    assert.ok(!existsSync(join(scratch, 'hello\\.txt')));
    if (hasDocker) {
      await ok(d.docker(['cp', 'c:/tmp/hello.txt', './z.txt'], { cwd: scratch }));
      assert.equal(readFileSync(join(scratch, 'z.txt'), 'utf8'), 'hello');
    }
    assert.deepEqual(readdirSync(scratch).sort(), hasDocker ? ['y.txt', 'z.txt'] : ['y.txt']);
    for (const f of readdirSync(scratch)) rmSync(join(scratch, f), { recursive: true });
  });

  it('cp C:/src/. copies the directory\'s contents', async () => {
    const r = await api(d, 'GET', '/containers/c/archive?path=/src/.');
    assert.deepEqual(tarEntries(r.body).map((e) => e.name), ['./', './a', './sub/', './sub/b']);
    const stat = JSON.parse(Buffer.from(String(r.headers['x-docker-container-path-stat']), 'base64').toString());
    assert.equal(stat.name, '.');
    await ok(d.berth(['cp', 'c:/src/.', 'out'], { cwd: scratch }));
    assert.deepEqual(readdirSync(join(scratch, 'out')).sort(), ['a', 'sub']);
    mkdirSync(join(scratch, 'existing'));
    await ok(d.berth(['cp', 'c:/src/.', 'existing'], { cwd: scratch }));
    assert.deepEqual(readdirSync(join(scratch, 'existing')).sort(), ['a', 'sub']);
    if (hasDocker) {
      await ok(d.docker(['cp', 'c:/src/.', 'dout'], { cwd: scratch }));
      assert.deepEqual(readdirSync(join(scratch, 'dout')).sort(), ['a', 'sub']);
    }
    // Without the dot: the directory itself.
    await ok(d.berth(['cp', 'c:/src', 'whole'], { cwd: scratch }));
    assert.deepEqual(readdirSync(join(scratch, 'whole')).sort(), ['a', 'sub']);
    mkdirSync(join(scratch, 'into'));
    await ok(d.berth(['cp', 'c:/src', 'into'], { cwd: scratch }));
    assert.deepEqual(readdirSync(join(scratch, 'into')), ['src']);
  });

  it('cp C:/etc/passwd/ fails with "not a directory"', async () => {
    const r = await d.berth(['cp', 'c:/etc/passwd/', '.'], { cwd: scratch });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error response from daemon: lstat \/etc\/passwd\/: not a directory\n$/);
    if (hasDocker) {
      const dr = await d.docker(['cp', 'c:/etc/passwd/', '.'], { cwd: scratch });
      assert.equal(dr.code, 1);
      assert.match(dr.stderr, /not a directory/);
    }
    assert.ok(!existsSync(join(scratch, 'passwd')));
  });
});

describe('COPY, ADD and WORKDIR through links a RUN left in the stage', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await daemonWithBusybox();
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it('write inside the image, never on the host', async () => {
    const host = join(d.dir, 'buildhost');
    mkdirSync(host);
    writeFileSync(join(host, 'keep'), HOST_SECRET);
    const ctx = join(d.dir, 'ctx');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'f'), 'copied');
    writeFileSync(join(ctx, 'a.tar'), tarFromEntries([{ name: 'fromtar', data: 'extracted' }]));
    const climb = '../'.repeat(12) + host.slice(1);
    writeFileSync(join(ctx, 'Dockerfile'), [
      'FROM busybox',
      `RUN ln -s ${host} /abs && ln -s ${climb} /rel && mkdir /real && ln -s ${host} /real/inner && ln -s ${host}/keep /file`,
      'COPY f /abs/',
      'COPY f /rel/sub/x',
      'COPY f /real/inner/y',
      'COPY f /file',
      'ADD a.tar /abs/',
      'WORKDIR /abs/wd',
      '',
    ].join('\n'));
    const r = await d.berth(['build', '-q', '-t', 'linked', ctx]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(host), ['keep']);
    assert.equal(readFileSync(join(host, 'keep'), 'utf8'), HOST_SECRET);
    // Inside the image the links lead where the container sees them: the same path in its root.
    const inside = await ok(d.berth(['run', '--rm', 'linked', 'sh', '-c',
      `cd ${host} && cat f sub/x y fromtar && echo && ls -d wd && readlink /file && cat /file`]));
    assert.equal(inside, `copiedcopiedcopiedextracted\nwd\n${host}/keep\ncopied`);
  });
});
