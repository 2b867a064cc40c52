/**
 * Interoperability with a real Docker engine (Debian's dockerd, when installed): archives
 * berth saves load into dockerd with the same image IDs (docker-archive and OCI layout), and
 * archives dockerd saves load into berth with the same IDs. Both daemons run on private
 * sockets and data roots and are stopped by PID.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { buildArchive } from '../src/store/testing/archive.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { dockerBin, hasDocker, run, startDaemon, type TestDaemon } from './helpers/daemon.js';

const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));
const skip = !dockerd || !hasDocker ? 'dockerd or the docker CLI is not installed' : false;

async function ok(p: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

describe('interoperability with dockerd', { skip }, () => {
  let d: TestDaemon;
  let dir: string;
  let child: ChildProcess;
  let docker: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

  before(async () => {
    d = await startDaemon();
    dir = mkdtempSync(join(tmpdir(), 'berth-dockerd-'));
    const sock = join(dir, 'docker.sock');
    child = spawn(
      dockerd!,
      ['-H', `unix://${sock}`, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'),
        '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--storage-driver', 'overlay2'],
      { stdio: 'ignore' },
    );
    docker = (args) => run(dockerBin, ['-H', `unix://${sock}`, ...args], { env: { ...process.env, DOCKER_CONFIG: join(dir, 'cfg') } });
    for (let i = 0; i < 300; i++) {
      if (existsSync(sock) && (await docker(['version'])).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('dockerd did not start');
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    await d?.cleanup();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('dockerd loads what berth saves, with the same image IDs (docker-archive and OCI)', async () => {
    await ok(d.berth(['import', '-c', 'CMD ["sh"]', '-', 'interop:1'], { input: busyboxRootfsTar() }));
    const two = tarFromEntries([{ name: 'etc/', type: 'dir' }, { name: 'etc/.wh.passwd', data: '' }, { name: 'opt/', type: 'dir' }, { name: 'opt/x', data: 'x'.repeat(5000) }]);
    await ok(d.berth(['load'], { input: buildArchive([{ tags: ['interop:2'], layers: [busyboxRootfsTar(), two] }]) }));
    const ids = await ok(d.berth(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', 'interop']));
    for (const format of ['docker', 'oci']) {
      const file = join(dir, `berth-${format}.tar`);
      await ok(d.berth(['save', '--format', format, '-o', file, 'interop']));
      const out = await ok(docker(['load', '-i', file]));
      assert.match(out, /Loaded image: interop:1/);
      assert.equal(await ok(docker(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', 'interop'])), ids);
      await ok(docker(['rmi', 'interop:1', 'interop:2']));
    }
  });

  it('berth loads what dockerd saves, with the same image IDs', async () => {
    const rootfs = join(dir, 'rootfs.tar');
    writeFileSync(rootfs, busyboxRootfsTar());
    await ok(docker(['import', '-m', 'from docker', rootfs, 'fromdocker:1']));
    await ok(docker(['tag', 'fromdocker:1', 'localhost:5000/fromdocker/x:2']));
    const ids = await ok(docker(['images', '--no-trunc', '--format', '{{.ID}} {{.Size}}', 'fromdocker:1']));
    const file = join(dir, 'docker.tar');
    await ok(docker(['save', '-o', file, 'fromdocker:1', 'localhost:5000/fromdocker/x:2']));
    assert.equal(await ok(d.berth(['load', '-i', file])), 'Loaded image: fromdocker:1\nLoaded image: localhost:5000/fromdocker/x:2\n');
    assert.equal(await ok(d.berth(['images', '--no-trunc', '--format', '{{.ID}} {{.Size}}', 'fromdocker:1'])), ids);
    // And back again: berth's save of dockerd's image is byte-compatible.
    const back = join(dir, 'back.tar');
    await ok(d.berth(['save', '-o', back, 'fromdocker:1']));
    await ok(docker(['rmi', 'fromdocker:1', 'localhost:5000/fromdocker/x:2']));
    await ok(docker(['load', '-i', back]));
    assert.equal(await ok(docker(['images', '--no-trunc', '--format', '{{.ID}} {{.Size}}', 'fromdocker:1'])), ids);
  });
});
