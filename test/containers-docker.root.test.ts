/**
 * Containers through the docker CLI (the real client) against berthd, and the Engine API shapes
 * other clients rely on: attach without Upgrade (200 raw-stream, as dockerode), wait conditions,
 * list-form filters, exec inspect, the archive endpoints as testcontainers uses them.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

function api(d: TestDaemon, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: { ...(body !== undefined && typeof body === 'string' ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function demux(b: Buffer): { out: string; err: string } {
  let out = '';
  let err = '';
  for (let i = 0; i + 8 <= b.length; ) {
    const n = b.readUInt32BE(i + 4);
    const s = b.subarray(i + 8, i + 8 + n).toString();
    if (b[i] === 2) err += s;
    else out += s;
    i += 8 + n;
  }
  return { out, err };
}

describe('containers with the docker CLI and the Engine API', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await daemonWithBusybox();
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it('docker run --rm, exit statuses, ENTRYPOINT output', { skip: !hasDocker }, async () => {
    assert.equal(await ok(d.docker(['run', '--rm', 'busybox', 'echo', 'hi'])), 'hi\n');
    assert.equal((await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
    assert.equal(await ok(d.docker(['run', '--rm', 'bbentry'])), 'from-entrypoint default-arg\n');
    const r = await d.docker(['run', '--rm', 'busybox', 'nosuch']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown/);
    assert.equal(await ok(d.docker(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo done'], { input: 'line\n' })), 'line\ndone\n');
    assert.equal((await ok(d.docker(['ps', '-aq']))).trim(), '');
  });

  it('docker run -d, ps, logs -f, exec, stop, rm', { skip: !hasDocker }, async () => {
    const id = (await ok(d.docker(['run', '-d', '--name', 'w', 'busybox', 'sh', '-c', 'trap "echo bye; exit 0" TERM; echo hello; echo oops >&2; while true; do sleep 0.1; done']))).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.match(await ok(d.docker(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}'])), new RegExp(`^${id.slice(0, 12)} w Up `));
    await new Promise((r) => setTimeout(r, 300));
    const follow = d.docker(['logs', '-f', 'w']);
    assert.equal(await ok(d.docker(['exec', 'w', 'sh', '-c', 'echo $HOSTNAME'])), `${id.slice(0, 12)}\n`);
    assert.equal((await d.docker(['exec', 'w', 'sh', '-c', 'exit 9'])).code, 9);
    assert.equal(await ok(d.docker(['stop', 'w'])), 'w\n');
    const f = await follow;
    assert.equal(f.code, 0);
    assert.equal(f.stdout, 'hello\nbye\n');
    assert.equal(f.stderr, 'oops\n');
    assert.equal((await ok(d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.Name}}', 'w']))).trim(), 'exited 0 /w');
    assert.equal(await ok(d.docker(['rm', 'w'])), 'w\n');
    const none = await d.docker(['inspect', 'w']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No such object: w/);
  });

  it('docker exec with stdin, docker cp, docker top, pause', { skip: !hasDocker }, async () => {
    await ok(d.docker(['run', '-d', '--name', 'x', 'busybox', 'sleep', '1000']));
    assert.equal(await ok(d.docker(['exec', '-i', 'x', 'sh', '-c', 'cat > /tmp/in; cat /tmp/in'], { input: 'abc' })), 'abc');
    assert.match(await ok(d.docker(['top', 'x'])), /sleep 1000/);
    await ok(d.docker(['pause', 'x']));
    assert.match(await ok(d.docker(['ps', '--format', '{{.Status}}'])), /\(Paused\)/);
    await ok(d.docker(['unpause', 'x']));
    const tar = await d.docker(['cp', 'x:/etc/group', '-']);
    assert.equal(tar.code, 0);
    assert.ok(tar.stdout.includes('root:x:0:'));
    await ok(d.docker(['rm', '-f', 'x']));
  });

  it('attaches without Upgrade (200 raw-stream) and waits by condition', async () => {
    const create = await api(d, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2'], AttachStdout: true, AttachStderr: true }));
    assert.equal(create.status, 201);
    const { Id } = JSON.parse(create.body.toString());
    const attached = api(d, 'POST', `/containers/${Id}/attach?stream=1&stdout=1&stderr=1`);
    const waited = api(d, 'POST', `/containers/${Id}/wait?condition=next-exit`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await api(d, 'POST', `/containers/${Id}/start`)).status, 204);
    const a = await attached;
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/vnd.docker.raw-stream');
    assert.deepEqual(demux(a.body), { out: 'out\n', err: 'err\n' });
    assert.deepEqual(JSON.parse((await waited).body.toString()), { Error: null, StatusCode: 0 });
    assert.deepEqual(JSON.parse((await api(d, 'POST', `/containers/${Id}/wait`)).body.toString()), { Error: null, StatusCode: 0 });
    assert.equal((await api(d, 'POST', `/containers/${Id}/start`)).status, 204);
    await api(d, 'POST', `/containers/${Id}/wait`);
    assert.equal((await api(d, 'POST', `/containers/${Id}/stop`)).status, 304);
    const logs = await api(d, 'GET', `/containers/${Id}/logs?stdout=1&stderr=1&tail=2`);
    assert.deepEqual(demux(logs.body), { out: 'out\n', err: 'err\n' });
    const removed = api(d, 'POST', `/containers/${Id}/wait?condition=removed`);
    assert.equal((await api(d, 'DELETE', `/containers/${Id}`)).status, 204);
    assert.equal(JSON.parse((await removed).body.toString()).StatusCode, 0);
    assert.equal((await api(d, 'GET', `/containers/${Id}/json`)).status, 404);
  });

  it('lists with map- and list-form filters; execs report their exit code', async () => {
    const c = JSON.parse((await api(d, 'POST', '/containers/create?name=lbl', JSON.stringify({ Image: 'busybox', Cmd: ['sleep', '1000'], Labels: { 'org.test': 'yes' } }))).body.toString());
    await api(d, 'POST', `/containers/${c.Id}/start`);
    const mapForm = JSON.parse((await api(d, 'GET', `/containers/json?filters=${encodeURIComponent('{"label":{"org.test=yes":true}}')}`)).body.toString());
    const listForm = JSON.parse((await api(d, 'GET', `/containers/json?filters=${encodeURIComponent('{"label":["org.test=yes"],"status":["running"]}')}`)).body.toString());
    assert.deepEqual(mapForm.map((x: { Id: string }) => x.Id), [c.Id]);
    assert.deepEqual(listForm.map((x: { Id: string }) => x.Id), [c.Id]);
    assert.equal(listForm[0].Names[0], '/lbl');
    assert.equal(listForm[0].State, 'running');
    assert.match(listForm[0].Status, /^Up /);
    const ex = JSON.parse((await api(d, 'POST', `/containers/${c.Id}/exec`, JSON.stringify({ Cmd: ['sh', '-c', 'echo e; exit 6'], AttachStdout: true, AttachStderr: true }))).body.toString());
    const started = await api(d, 'POST', `/exec/${ex.Id}/start`, JSON.stringify({ Detach: false, Tty: false }));
    assert.equal(started.status, 200);
    assert.deepEqual(demux(started.body), { out: 'e\n', err: '' });
    const info = JSON.parse((await api(d, 'GET', `/exec/${ex.Id}/json`)).body.toString());
    assert.equal(info.ExitCode, 6);
    assert.equal(info.Running, false);
    assert.equal(info.ContainerID, c.Id);
    const missing = JSON.parse((await api(d, 'POST', `/containers/${c.Id}/exec`, JSON.stringify({ Cmd: ['/bin/bash'], AttachStdout: true }))).body.toString());
    await api(d, 'POST', `/exec/${missing.Id}/start`, JSON.stringify({ Detach: false }));
    assert.equal(JSON.parse((await api(d, 'GET', `/exec/${missing.Id}/json`)).body.toString()).ExitCode, 126);
    // testcontainers uploads a tar whose only entry has no parent directory entry.
    const put = await api(d, 'PUT', `/containers/${c.Id}/archive?path=/`, tarFromEntries([{ name: 'www/index.html', data: '<h1>hi</h1>' }]), { 'Content-Type': 'application/x-tar' });
    assert.equal(put.status, 200);
    const head = await api(d, 'HEAD', `/containers/${c.Id}/archive?path=/www/index.html`);
    assert.equal(head.status, 200);
    const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString());
    assert.equal(stat.name, 'index.html');
    assert.equal(stat.size, 11);
    const dirStat = JSON.parse(Buffer.from(String((await api(d, 'HEAD', `/containers/${c.Id}/archive?path=/www`)).headers['x-docker-container-path-stat']), 'base64').toString());
    assert.equal(dirStat.mode, 2147484141);
    assert.equal((await api(d, 'HEAD', `/containers/${c.Id}/archive?path=/nope`)).status, 404);
    assert.equal((await api(d, 'POST', `/containers/${c.Id}/kill?signal=KILL`)).status, 204);
    assert.equal(JSON.parse((await api(d, 'POST', `/containers/${c.Id}/wait`)).body.toString()).StatusCode, 137);
    const inspect = JSON.parse((await api(d, 'GET', `/containers/${c.Id}/json`)).body.toString());
    assert.equal(inspect.State.Status, 'exited');
    assert.equal(inspect.State.ExitCode, 137);
    assert.match(inspect.State.FinishedAt, /^\d{4}-/);
    assert.equal(inspect.HostConfig.NetworkMode, 'default');
    assert.equal(inspect.Config.Hostname, c.Id.slice(0, 12));
    assert.equal((await api(d, 'DELETE', `/containers/${c.Id}?v=1`)).status, 204);
    assert.equal((await api(d, 'GET', '/containers/nosuch/json')).status, 404);
    assert.equal(JSON.parse((await api(d, 'GET', '/containers/nosuch/json')).body.toString()).message, 'No such container: nosuch');
  });
});
