/**
 * `commit`, `diff` and `update` through a real berthd, with the berth CLI and the docker CLI:
 * a container's added, changed and deleted files (a deleted file and a replaced directory:
 * whiteouts and an opaque directory in the layer) as `diff` lists them and as a container of
 * the committed image sees them; `commit -c`; the history entry; new limits applied live to a
 * running container's cgroup, shown by inspect and stats, kept across a restart; dockerd's
 * errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';

function api(d: TestDaemon, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: d.socket, path, method, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const CHANGES = [
  'echo x > /etc/foo',
  'echo y >> /etc/passwd',
  'rm /bin/vi',
  'rm -rf /home',
  'mkdir -p /home/new',
  'echo a > /home/new/f',
  'mkdir -p /usr/a/b',
].join('; ');

const EXPECTED_DIFF = [
  'C /bin', 'D /bin/vi', 'C /etc', 'A /etc/foo', 'C /etc/passwd', 'C /home', 'A /home/new', 'A /home/new/f', 'D /home/user',
  'C /usr', 'A /usr/a', 'A /usr/a/b',
];

function lines(s: string): string[] {
  return s.split('\n').filter(Boolean);
}

function cgroupFile(controller: string, id: string, file: string): string {
  return readFileSync(`/sys/fs/cgroup/${controller}/berth/${id}/${file}`, 'utf8').trim();
}

describe('commit, diff and update', { timeout: 300_000 }, () => {
  let d: TestDaemon;

  before(async () => {
    d = await daemonWithBusybox();
    await ok(d.berth(['run', '--name', 'chg', '--network', 'none', 'busybox', 'sh', '-c', CHANGES]));
  });

  after(async () => {
    if (d) await cleanupDaemon(d);
  });

  it('diff lists added, changed and deleted paths, parents as changed (berth, docker, API)', async () => {
    assert.deepEqual(lines(await ok(d.berth(['diff', 'chg']))), EXPECTED_DIFF);
    if (hasDocker) assert.deepEqual(lines(await ok(d.docker(['diff', 'chg']))), EXPECTED_DIFF);
    const r = await api(d, 'GET', '/containers/chg/changes');
    assert.equal(r.status, 200);
    const wire = JSON.parse(r.body) as { Path: string; Kind: number }[];
    assert.deepEqual(wire.slice(0, 2), [{ Path: '/bin', Kind: 0 }, { Path: '/bin/vi', Kind: 2 }]);
    assert.deepEqual(wire.find((c) => c.Path === '/etc/foo'), { Path: '/etc/foo', Kind: 1 });
    // A fresh container shows nothing: the runtime's mount points (/etc/hosts, /.dockerenv) are hidden.
    await ok(d.berth(['run', '--name', 'clean', '--network', 'none', 'busybox', 'true']));
    assert.equal(await ok(d.berth(['diff', 'clean'])), '');
    const missing = await d.berth(['diff', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such container: nope/);
  });

  it('a running container: diff while it runs, commit pauses it and leaves it running', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const id = (await ok(d.berth(['run', '-d', '--name', 'live', '--network', 'none', 'busybox', 'sh', '-c', 'echo hi > /tmp/live; sleep 1000']))).trim();
    for (let i = 0; i < 100 && !(await d.berth(['diff', 'live'])).stdout.includes('/tmp/live'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(lines(await ok(d.berth(['diff', 'live']))), ['C /tmp', 'A /tmp/live']);
    const img = (await ok(d.berth(['commit', 'live', 'live:snap']))).trim();
    assert.match(img, /^sha256:[0-9a-f]{64}$/);
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.State.Status}}', id]))).trim(), 'running');
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const actions = lines(await ok(d.berth(['events', '--since', since, '--until', until, '--filter', 'container=live', '--format', '{{.Action}}'])));
    assert.deepEqual(actions.filter((a) => ['pause', 'commit', 'unpause'].includes(a)), ['pause', 'commit', 'unpause']);
    assert.equal((await ok(d.berth(['run', '--rm', '--network', 'none', 'live:snap', 'cat', '/tmp/live']))).trim(), 'hi');
    await ok(d.berth(['rm', '-f', 'live']));
  });

  it('commit: the image holds exactly the changes; whiteouts and an opaque directory in its layer', async () => {
    const id = (await ok(d.berth(['commit', '-a', 'Me <me@example.com>', '-m', 'my changes', 'chg', 'snap:v1']))).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    const out = await ok(d.berth(['run', '--rm', '--network', 'none', 'snap:v1', 'sh', '-c',
      'cat /etc/foo; tail -1 /etc/passwd; test -e /bin/vi || echo no-vi; ls -A /home; cat /home/new/f; test -d /usr/a/b && echo ab; test -e /bin/ls && echo ls']));
    assert.deepEqual(lines(out), ['x', 'y', 'no-vi', 'new', 'a', 'ab', 'ls']);
    // A container of the new image starts with no changes of its own.
    await ok(d.berth(['create', '--name', 'fresh', 'snap:v1', 'true']));
    assert.equal(await ok(d.berth(['diff', 'fresh'])), '');
    const inspect = JSON.parse(await ok(d.berth(['image', 'inspect', 'snap:v1'])))[0];
    const chgId = (await ok(d.berth(['inspect', '-f', '{{.Id}}', 'chg']))).trim();
    const base = (await ok(d.berth(['image', 'inspect', '-f', '{{.Id}}', 'busybox']))).trim();
    assert.equal(inspect.Author, 'Me <me@example.com>');
    assert.equal(inspect.Container, chgId);
    assert.equal(inspect.Parent, base);
    assert.deepEqual(inspect.Config.Cmd, ['sh', '-c', CHANGES]);
    assert.equal(inspect.RootFS.Layers.length, 2);
    const hist = lines(await ok(d.berth(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'snap:v1'])));
    assert.equal(hist[0], `sh -c ${CHANGES}|my changes`);
    // The layer tar as saved: AUFS whiteouts for the deleted file and the replaced directory.
    const dir = join(d.dir, 'saved');
    mkdirSync(dir);
    await ok(d.berth(['save', '-o', join(d.dir, 'snap.tar'), 'snap:v1']));
    execFileSync('tar', ['-x', '-f', join(d.dir, 'snap.tar'), '-C', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))[0];
    const entries = lines(execFileSync('tar', ['-tf', join(dir, manifest.Layers.at(-1))], { encoding: 'utf8' }));
    for (const e of ['bin/.wh.vi', 'home/.wh..wh..opq', 'home/new/f', 'etc/foo', 'etc/passwd', 'usr/a/b/']) assert.ok(entries.includes(e), `${e} in ${entries.join(' ')}`);
    for (const e of entries) assert.ok(!/^(\.dockerenv|etc\/(hosts|hostname|resolv\.conf))$/.test(e), `runtime file ${e} in the layer`);
  });

  it('commit -c applies Dockerfile instructions; others are refused with dockerd\'s words', async () => {
    await ok(d.berth(['commit', '-c', 'CMD ["cat", "/etc/foo"]', '-c', 'ENV A=1 B="two words"', '-c', 'LABEL k=v', 'chg', 'snap:v2']));
    assert.equal((await ok(d.berth(['run', '--rm', '--network', 'none', 'snap:v2']))).trim(), 'x');
    const cfg = JSON.parse(await ok(d.berth(['image', 'inspect', '-f', '{{json .Config}}', 'snap:v2'])));
    assert.ok(cfg.Env.includes('A=1') && cfg.Env.includes('B=two words'), cfg.Env.join(','));
    assert.deepEqual(cfg.Labels, { k: 'v' });
    const bad = await d.berth(['commit', '-c', 'RUN true', 'chg']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /run is not a valid change command/);
    const r = await api(d, 'POST', '/commit?container=chg&changes=STOPSIGNAL%20SIGINT');
    assert.equal(r.status, 400);
    assert.match(r.body, /stopsignal is not a valid change command/);
    assert.equal((await api(d, 'POST', '/commit?container=nope')).status, 404);
  });

  it('docker commit and docker diff against berthd', { skip: !hasDocker && 'no docker CLI' }, async () => {
    const id = (await ok(d.docker(['commit', '-c', 'ENV FROM_DOCKER=1', '-m', 'via docker', 'chg', 'snap:docker']))).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    const env = (await ok(d.docker(['image', 'inspect', '-f', '{{json .Config.Env}}', 'snap:docker']))).trim();
    assert.ok(JSON.parse(env).includes('FROM_DOCKER=1'));
    assert.equal((await ok(d.docker(['run', '--rm', '--network', 'none', 'snap:docker', 'cat', '/home/new/f']))).trim(), 'a');
  });

  it('update applies limits live (cgroup, inspect, stats) and a restart keeps them', async () => {
    const id = (await ok(d.berth(['run', '-d', '--name', 'up', '--network', 'none', 'busybox', 'sleep', '1000']))).trim();
    assert.equal(await ok(d.berth(['update', '--memory', '64m', '--memory-swap', '128m', '--pids-limit', '50', 'up'])), 'up\n');
    assert.equal(cgroupFile('memory', id, 'memory.limit_in_bytes'), String(64 << 20));
    assert.equal(cgroupFile('pids', id, 'pids.max'), '50');
    const host = JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .HostConfig}}', 'up'])));
    assert.equal(host.Memory, 64 << 20);
    assert.equal(host.MemorySwap, 128 << 20);
    assert.equal(host.PidsLimit, 50);
    const stats = await ok(d.berth(['stats', '--no-stream', '--format', '{{.MemUsage}}', 'up']));
    assert.match(stats, / \/ 64MiB/);
    if (hasDocker) {
      assert.equal(await ok(d.docker(['update', '--cpus', '0.5', '--cpu-shares', '512', 'up'])), 'up\n');
      assert.equal(cgroupFile('cpu', id, 'cpu.cfs_quota_us'), '50000');
      assert.equal(cgroupFile('cpu', id, 'cpu.shares'), '512');
      assert.equal((await ok(d.docker(['inspect', '-f', '{{.HostConfig.NanoCpus}}', 'up']))).trim(), '500000000');
    }
    await ok(d.berth(['restart', '-t', '0', 'up']));
    assert.equal(cgroupFile('memory', id, 'memory.limit_in_bytes'), String(64 << 20));
    assert.equal(cgroupFile('pids', id, 'pids.max'), '50');
    // A stopped container: saved, applied at the next start.
    await ok(d.berth(['stop', '-t', '0', 'up']));
    await ok(d.berth(['update', '--memory', '96m', 'up']));
    await ok(d.berth(['start', 'up']));
    assert.equal(cgroupFile('memory', id, 'memory.limit_in_bytes'), String(96 << 20));
    await ok(d.berth(['rm', '-f', 'up']));
  });

  it('update --restart, and dockerd\'s errors', async () => {
    await ok(d.berth(['create', '--name', 'pol', 'busybox', 'true']));
    await ok(d.berth(['update', '--restart', 'on-failure:3', 'pol']));
    assert.equal((await ok(d.berth(['inspect', '-f', '{{json .HostConfig.RestartPolicy}}', 'pol']))).trim(), '{"Name":"on-failure","MaximumRetryCount":3}');
    const small = await d.berth(['update', '--memory', '4m', 'pol']);
    assert.equal(small.code, 1);
    assert.match(small.stderr, /Error response from daemon: Minimum memory limit allowed is 6MB/);
    const noSwap = await api(d, 'POST', '/containers/pol/update', { Memory: 32 << 20 });
    assert.equal(noSwap.status, 409);
    assert.match(noSwap.body, /Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/);
    const swapBelow = await api(d, 'POST', '/containers/pol/update', { Memory: 32 << 20, MemorySwap: 16 << 20 });
    assert.equal(swapBelow.status, 400);
    assert.match(swapBelow.body, /Minimum memoryswap limit should be larger than memory limit, see usage/);
    const okRes = await api(d, 'POST', '/containers/pol/update', { Memory: 32 << 20, MemorySwap: 64 << 20 });
    assert.equal(okRes.status, 200);
    assert.deepEqual(JSON.parse(okRes.body), { Warnings: [] });
    await ok(d.berth(['run', '-d', '--rm', '--name', 'auto', '--network', 'none', 'busybox', 'sleep', '1000']));
    const rm = await d.berth(['update', '--restart', 'always', 'auto']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /Cannot update container [0-9a-f]{64}: Restart policy cannot be updated because AutoRemove is enabled for the container/);
    const none = await d.berth(['update', 'pol']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /you must provide one or more flags/);
  });
});
