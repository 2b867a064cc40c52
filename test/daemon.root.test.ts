/**
 * berthd and the berth CLI over the Engine API: headers and negotiation, errors, the socket's
 * mode, the data-root lock, clean shutdown, the docker CLI as a client, and auto-start.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, promises as fs, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildArchive } from '../src/store/testing/archive.js';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { berthBin, berthdBin, hasDocker, run, startDaemon, stopCliHost, type TestDaemon } from './helpers/daemon.js';

function get(socket: string, method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('berthd', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d.cleanup();
  });

  it('answers /_ping with the negotiation headers', async () => {
    for (const method of ['GET', 'HEAD']) {
      const r = await get(d.socket, method, '/_ping');
      assert.equal(r.status, 200);
      assert.equal(r.headers['api-version'], '1.41');
      assert.equal(r.headers['ostype'], 'linux');
      assert.equal(r.headers['docker-experimental'], 'false');
      assert.match(String(r.headers['server']), /^Berth\//);
      assert.equal(r.body, method === 'GET' ? 'OK' : '');
    }
  });

  it('serves /version and /info, versioned and not', async () => {
    for (const path of ['/version', '/v1.41/version', '/v1.24/version']) {
      const r = await get(d.socket, 'GET', path);
      assert.equal(r.status, 200, path);
      const v = JSON.parse(r.body);
      assert.equal(v.ApiVersion, '1.41');
      assert.equal(v.MinAPIVersion, '1.12');
      assert.equal(v.Os, 'linux');
      assert.equal(v.Components[0].Name, 'Engine');
    }
    const info = JSON.parse((await get(d.socket, 'GET', '/info')).body);
    assert.equal(info.OSType, 'linux');
    assert.equal(info.DockerRootDir, d.dataRoot);
    assert.equal(info.Swarm.LocalNodeState, 'inactive');
    assert.ok(info.NCPU >= 1);
    assert.ok(info.ID.length > 0);
  });

  it('rejects too new and too old API versions with Docker\'s 400 messages', async () => {
    const tooNew = await get(d.socket, 'GET', '/v1.99/version');
    assert.equal(tooNew.status, 400);
    assert.deepEqual(JSON.parse(tooNew.body), { message: 'client version 1.99 is too new. Maximum supported API version is 1.41' });
    const tooOld = await get(d.socket, 'GET', '/v1.5/version');
    assert.equal(tooOld.status, 400);
    assert.match(JSON.parse(tooOld.body).message, /^client version 1.5 is too old. Minimum supported API version is 1.12/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const r = await get(d.socket, 'GET', '/v1.41/nonexistent/thing');
    assert.equal(r.status, 404);
    assert.deepEqual(JSON.parse(r.body), { message: 'page not found' });
    assert.match(String(r.headers['content-type']), /application\/json/);
  });

  it('creates the socket 0660 owned by root', () => {
    const st = statSync(d.socket);
    assert.equal(st.mode & 0o777, 0o660);
    assert.equal(st.uid, 0);
    assert.ok(st.isSocket());
  });

  it('refuses a second daemon on the same data root', async () => {
    const r = await run(process.execPath, [berthdBin, '-H', `unix://${d.dir}/other.sock`, '--data-root', d.dataRoot, '--exec-root', join(d.dir, 'run2')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /another berthd \(pid \d+\) is using the data root/);
  });

  it('berth version prints client and server sections', async () => {
    const r = await d.berth(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Client:\n Version:\s+\d+\.\d+\.\d+/);
    assert.match(r.stdout, /\nServer: berth\n Engine:\n  Version:\s+\d/);
    assert.match(r.stdout, /API version:\s+1\.41 \(minimum version 1\.12\)/);
    const f = await d.berth(['version', '--format', '{{.Server.ApiVersion}}']);
    assert.equal(f.stdout, '1.41\n');
  });

  it('berth info prints server information', async () => {
    const r = await d.berth(['info']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server Version: \d/);
    assert.match(r.stdout, new RegExp(`Docker Root Dir: ${d.dataRoot}`));
  });

  it('the docker CLI speaks to berthd', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    const r = await d.docker(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /API version:\s+1\.41 \(downgraded from 1\.\d+\)/);
    assert.match(r.stdout, /Server: berth/);
    assert.match(r.stdout, /Engine:\n\s+Version:\s+\d/);
    const i = await d.docker(['info', '--format', '{{.OSType}} {{.Driver}}']);
    assert.equal(i.code, 0, i.stderr);
    assert.equal(i.stdout.trim(), 'linux overlay2');
    // docker inspect of an unknown object walks several endpoints; every one answers a JSON 404.
    const ins = await d.docker(['inspect', 'nosuchthing']);
    assert.equal(ins.code, 1);
    assert.match(ins.stderr, /No such object: nosuchthing/);
  });

  it('flag and argument errors follow docker\'s exit codes', async () => {
    const bad = await d.berth(['version', '--nope']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /unknown flag: --nope/);
    const extra = await d.berth(['version', 'x']);
    assert.equal(extra.code, 1);
    assert.match(extra.stderr, /"berth version" accepts no arguments/);
    const unknown = await d.berth(['frobnicate']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /'frobnicate' is not a berth command/);
    const help = await d.berth(['version', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage:  berth version \[OPTIONS\]/);
  });

  it('berth build --check reports FILE:LINE problems and exits 1, 0 when clean', async () => {
    const ctxDir = join(d.dir, 'check');
    await fs.mkdir(ctxDir, { recursive: true });
    await fs.writeFile(join(ctxDir, 'Dockerfile'), 'FROM busybox\nRUN true\nCMD ["sh"]\n');
    const clean = await d.berth(['build', '--check', ctxDir]);
    assert.equal(clean.code, 0, clean.stderr + clean.stdout);
    assert.equal(clean.stdout, '');
    await fs.writeFile(join(ctxDir, 'Bad.Dockerfile'), 'FROM busybox\n\nCOPPY a b\n');
    const bad = await d.berth(['build', '--check', '-f', join(ctxDir, 'Bad.Dockerfile'), ctxDir], { cwd: ctxDir });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'Bad.Dockerfile:3: dockerfile parse error line 3: unknown instruction: COPPY\n');
    const missing = await d.berth(['build', '--check', join(ctxDir, 'nowhere')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file or directory/);
  });

  it('reports an unreachable daemon given with -H', async () => {
    const r = await run(berthBin, ['-H', `unix://${d.dir}/nothing.sock`, 'info']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot connect to the berth daemon at unix:\/\/.*nothing\.sock/);
  });
});

describe('berthd lifecycle', () => {
  it('shuts down cleanly on SIGTERM, removing socket and pid file', async () => {
    const d = await startDaemon();
    try {
      const pidFile = join(d.execRoot, 'berthd.pid');
      assert.equal((await fs.readFile(pidFile, 'utf8')).trim(), String(d.process.pid));
      const exited = new Promise<number | null>((r) => d.process.once('exit', (code) => r(code)));
      d.process.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(existsSync(d.socket), false);
      assert.equal(existsSync(pidFile), false);
      // The flock file stays (removing it would race a starting daemon); it names no owner any more.
      assert.equal(await fs.readFile(join(d.dataRoot, 'berthd.lock'), 'utf8').catch(() => ''), '');
    } finally {
      await d.cleanup();
    }
  });

  it('takes over a stale lock left by a killed daemon', async () => {
    const d = await startDaemon();
    try {
      await d.stop('SIGKILL');
      await d.restart();
      const r = await d.berth(['version', '--format', '{{.Server.Version}}']);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await d.cleanup();
    }
  });

  it('berth starts berthd by itself when nothing answers at the default socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-auto-'));
    // The daemon started this way takes the default bridge (berth0, 172.17.0.0/16) as a user's
    // would: each command runs in a network namespace of its own (and with a CLI host of its
    // own, started there), so that daemon never touches the host's berth0 or its rules.
    const cliDir = join(dir, 'cli');
    await fs.mkdir(cliDir, { mode: 0o700 });
    const env = { ...process.env, BERTH_DATA_ROOT: join(dir, 'data'), BERTH_EXEC_ROOT: join(dir, 'run'), BERTH_HOST: '', DOCKER_HOST: '', BERTH_CLI_DIR: cliDir };
    const berth = (args: string[]) => run('unshare', ['--net', '--', berthBin, ...args], { env });
    const hostBridge = existsSync('/sys/class/net/berth0');
    const stopAuto = async () => {
      const pid = Number((await fs.readFile(join(dir, 'run', 'berthd.pid'), 'utf8').catch(() => '0')).trim());
      if (!pid) return;
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 50));
        } catch {
          break;
        }
      }
    };
    try {
      const r = await berth(['version']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /started berthd \(pid \d+, log .*berthd\.log\)/);
      assert.match(r.stdout, /Server: berth/);
      const pid = Number((await fs.readFile(join(dir, 'run', 'berthd.pid'), 'utf8')).trim());
      assert.notEqual(await fs.readlink(`/proc/${pid}/ns/net`), await fs.readlink('/proc/self/ns/net'), 'the daemon runs in a network namespace of its own');
      // A second call finds the running daemon and says nothing on stderr.
      const again = await berth(['version']);
      assert.equal(again.code, 0);
      assert.equal(again.stderr, '');
      // A command whose request streams its body (load) starts it too, and its body arrives whole.
      await stopAuto();
      const tar = join(dir, 'bb.tar');
      await fs.writeFile(tar, buildArchive([{ tags: ['auto:1'], layers: [busyboxRootfsTar()], created: '2024-01-01T00:00:00Z' }]));
      const load = await berth(['load', '-i', tar]);
      assert.equal(load.code, 0, load.stderr);
      assert.match(load.stderr, /started berthd/);
      assert.equal(load.stdout, 'Loaded image: auto:1\n');
      // And one that does not (images): sent again once the daemon is up.
      await stopAuto();
      const images = await berth(['images', '--format', '{{.Repository}}:{{.Tag}}']);
      assert.equal(images.code, 0, images.stderr);
      assert.match(images.stderr, /started berthd/);
      assert.equal(images.stdout, 'auto:1\n');
      assert.equal(existsSync('/sys/class/net/berth0'), hostBridge, "the host's berth0 is as it was");
    } finally {
      await stopAuto();
      await stopCliHost(cliDir);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

