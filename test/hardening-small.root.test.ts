/**
 * Smaller hardening items of issue 13: Docker's file modes in containers of a berthd started
 * under umask 077, Docker's default MemorySwap (twice the memory),
 * berthd refusing a non-loopback TCP socket without TLS (and serving TLS with client
 * verification), idle or stalled API connections dropped after the header timeout while
 * hijacked ones live on, and COPY cleaning its destination before following the image's links.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HEADERS_TIMEOUT_MS } from '../src/api/server.js';
import { buildDaemon, makeContext } from './build-fixture.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { berthdBin, startDaemon, type TestDaemon } from './helpers/daemon.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('container and API hardening', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    // As the berth CLI may start it, from a user's shell with a strict umask.
    const mask = process.umask(0o077);
    try {
      d = await daemonWithBusybox();
    } finally {
      process.umask(mask);
    }
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it("gives containers Docker's file modes whatever the umask berthd was started with", async () => {
    const modes = '/ /etc /etc/hosts /etc/hostname /etc/resolv.conf /.dockerenv /dev /proc';
    assert.equal(await ok(d.berth(['run', '--rm', 'busybox', 'stat', '-c', '%a', ...modes.split(' ')])), '755\n755\n644\n644\n644\n755\n755\n555\n');
    assert.equal(await ok(d.berth(['run', '--rm', '--user', '1000:1000', 'busybox', 'id'])), 'uid=1000(user) gid=1000(user) groups=1000(user)\n');
  });

  it('records MemorySwap as twice the memory limit when -m is set, as Docker does', async () => {
    const id = (await ok(d.berth(['create', '-m', '64m', 'busybox', 'true']))).trim();
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', id]))).trim(), `${64 << 20} ${128 << 20}`);
    const own = (await ok(d.berth(['create', '-m', '64m', '--memory-swap', '100m', 'busybox', 'true']))).trim();
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.HostConfig.MemorySwap}}', own]))).trim(), String(100 << 20));
    const none = (await ok(d.berth(['create', 'busybox', 'true']))).trim();
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.HostConfig.MemorySwap}}', none]))).trim(), '0');
  });

  it('drops a connection that sends no request, or stalls in its headers, after the header timeout', async () => {
    const closedAfter = (first: string) =>
      new Promise<{ ms: number; got: string }>((resolve, reject) => {
        const t0 = Date.now();
        let got = '';
        const sock = connect(d.socket, () => {
          if (first) sock.write(first);
        });
        sock.on('data', (c) => (got += c));
        sock.on('error', () => {});
        sock.on('close', () => resolve({ ms: Date.now() - t0, got }));
        setTimeout(() => reject(new Error('connection still open after 30 s')), 30_000).unref();
      });
    const [idle, stalled] = await Promise.all([closedAfter(''), closedAfter('GET /_ping HTTP/1.1\r\nHost: berth\r\n')]);
    for (const r of [idle, stalled]) {
      assert.ok(r.ms >= HEADERS_TIMEOUT_MS - 500 && r.ms < HEADERS_TIMEOUT_MS + 5_000, `closed after ${r.ms} ms`);
    }
  });

  it('keeps attached (hijacked) and streaming connections past the header timeout', async () => {
    const out = await ok(d.berth(['run', '--rm', 'busybox', 'sh', '-c', `sleep ${Math.ceil(HEADERS_TIMEOUT_MS / 1000) + 2}; echo late`]));
    assert.equal(out, 'late\n');
    const id = (await ok(d.berth(['run', '-d', 'busybox', 'sh', '-c', `echo one; sleep ${Math.ceil(HEADERS_TIMEOUT_MS / 1000) + 2}; echo two`]))).trim();
    assert.equal(await ok(d.berth(['logs', '-f', id])), 'one\ntwo\n');
  });
});

describe('berthd on TCP', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a non-loopback TCP host without TLS, before touching anything', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [berthdBin, '-H', `tcp://0.0.0.0:${port}`, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'run')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.notEqual(code, 0);
    assert.match(err, /refusing to listen on tcp:\/\/0\.0\.0\.0:\d+ without TLS/);
    assert.throws(() => readFileSync(join(dir, 'run', 'berthd.pid')));
  });

  it('serves TLS and verifies client certificates with --tlsverify', async () => {
    const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ossl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=berth test CA');
    writeFileSync(join(dir, 'srv.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    writeFileSync(join(dir, 'cli.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const [name, cn] of [['srv', '127.0.0.1'], ['cli', 'client']] as const) {
      ossl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      ossl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
    }
    const port = await freePort();
    const t = await startDaemon({
      extraArgs: ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', join(dir, 'ca.pem'), '--tlscert', join(dir, 'srv.pem'), '--tlskey', join(dir, 'srv.key')],
    });
    try {
      const ping = (client: boolean) =>
        new Promise<string>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: '127.0.0.1', port, path: '/_ping', ca: readFileSync(join(dir, 'ca.pem')),
              ...(client ? { cert: readFileSync(join(dir, 'cli.pem')), key: readFileSync(join(dir, 'cli.key')) } : {}),
            },
            (res) => {
              let body = '';
              res.on('data', (c) => (body += c));
              res.on('end', () => resolve(`${res.statusCode} ${body}`));
            },
          );
          req.on('error', reject);
          req.end();
        });
      assert.equal(await ping(true), '200 OK');
      await assert.rejects(ping(false));
    } finally {
      await t.cleanup();
    }
  });
});

describe('COPY destinations', { timeout: 120_000 }, () => {
  it('are cleaned lexically before the image’s symlinks are followed, as Docker does', async () => {
    const b = await buildDaemon();
    try {
      const dir = makeContext({
        f: 'hello\n',
        Dockerfile:
          'FROM busybox:latest\nRUN mkdir -p /other/place /d/sub && ln -s /other/place /link\n' +
          'COPY f /link/../link/x\nCOPY f /d/sub/../sub/y\nCOPY f /nosuch/../etc/z\n',
      });
      const r = await b.build(dir, ['-t', 'clean:1']);
      assert.equal(r.code, 0, r.stderr);
      const ls = await b.d.berth(['run', '--rm', 'clean:1', 'sh', '-c', 'cat /other/place/x /d/sub/y /etc/z; ls /other']);
      assert.equal(ls.stdout, 'hello\nhello\nhello\nplace\n');
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await b.cleanup();
    }
  });
});
