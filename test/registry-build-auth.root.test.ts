/**
 * FROM pulls with the credentials of `X-Registry-Config` (POST /build), against Distribution
 * with htpasswd basic auth: none sent gives Docker's "no basic auth credentials", the right
 * entry pulls the base image; the docker CLI's classic builder and `berth build` send the
 * credentials of their config.json.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { hasDocker, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';

async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function postBuild(d: TestDaemon, query: string, context: Buffer, registryConfig?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-tar' };
    if (registryConfig !== undefined) headers['X-Registry-Config'] = registryConfig;
    const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.41/build?${query}`, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(context);
  });
}

describe('build: FROM with X-Registry-Config credentials', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  let base: string;
  let dockerfile: string;
  const login = (dir: string) => ({ DOCKER_CONFIG: dir });
  before(async () => {
    reg = await startRegistry({ auth: { htpasswd: { user: 'bob', password: 'b-pass' } } });
    d = await startDaemon();
    base = `${reg.host}/private/base:1`;
    dockerfile = `FROM ${base}\nLABEL built=with-credentials\n`;
    writeFileSync(join(d.dir, 'rootfs.tar'), busyboxRootfsTar());
    await ok(d.berth(['import', join(d.dir, 'rootfs.tar'), base]));
    const env = login(join(d.dir, 'pusher'));
    await ok(d.berth(['login', '-u', 'bob', '--password-stdin', reg.host], { env, input: 'b-pass\n' }));
    await ok(d.berth(['push', base], { env }));
    await ok(d.berth(['rmi', base]));
  });
  after(async () => {
    await d?.cleanup();
    await reg?.stop();
  });

  const context = () => tarFromEntries([{ name: 'Dockerfile', data: Buffer.from(dockerfile) }]);
  // Neither the base image nor anything built on it is left.
  const gone = async () => {
    const built = (await ok(d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}']))).split('\n').filter((n) => n.startsWith('fromauth:'));
    if (built.length) await ok(d.berth(['rmi', ...built]));
    const r = await d.berth(['rmi', base]);
    assert.ok(r.code === 0 || /No such image/.test(r.stderr), r.stderr);
  };

  it('fails with Docker\'s text when no credentials for the registry are sent', async () => {
    await gone();
    const other = Buffer.from(JSON.stringify({ 'other.example:5000': { username: 'bob', password: 'b-pass' } })).toString('base64url');
    for (const header of [undefined, Buffer.from('{}').toString('base64url'), other]) {
      const r = await postBuild(d, 't=fromauth%3Anone', context(), header);
      assert.equal(r.status, 200);
      assert.match(r.body, /no basic auth credentials/);
      assert.doesNotMatch(r.body, /Successfully built/);
    }
  });

  it('pulls the base image with the entry for its registry (URL-safe and standard base64, keys with a scheme)', async () => {
    const cases = [
      Buffer.from(JSON.stringify({ [reg.host]: { username: 'bob', password: 'b-pass' } })).toString('base64url'),
      Buffer.from(JSON.stringify({ [`http://${reg.host}/v2/`]: { auth: Buffer.from('bob:b-pass').toString('base64') } })).toString('base64'),
    ];
    for (const header of cases) {
      await gone();
      const r = await postBuild(d, 't=fromauth%3A1', context(), header);
      assert.equal(r.status, 200);
      assert.match(r.body, /Status: Downloaded newer image/);
      assert.match(r.body, /Successfully tagged fromauth:1/);
    }
    const label = await ok(d.berth(['inspect', '-f', '{{index .Config.Labels "built"}}', 'fromauth:1']));
    assert.equal(label.trim(), 'with-credentials');
  });

  it('refuses wrong credentials', async () => {
    await gone();
    const header = Buffer.from(JSON.stringify({ [reg.host]: { username: 'bob', password: 'wrong' } })).toString('base64url');
    const r = await postBuild(d, 't=fromauth%3Awrong', context(), header);
    assert.match(r.body, /unauthorized/i);
    assert.doesNotMatch(r.body, /Successfully built/);
  });

  it('berth build sends the credentials of its config.json', async () => {
    await gone();
    const env = login(join(d.dir, 'builder'));
    const dir = join(d.dir, 'ctx-berth');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    const without = await d.berth(['build', '-t', 'fromauth:berth', dir], { env });
    assert.notEqual(without.code, 0);
    assert.match(without.stderr + without.stdout, /no basic auth credentials/);
    await ok(d.berth(['login', '-u', 'bob', '--password-stdin', reg.host], { env, input: 'b-pass\n' }));
    const out = await ok(d.berth(['build', '-t', 'fromauth:berth', dir], { env }));
    assert.match(out, /Successfully tagged fromauth:berth/);
  });

  it('docker build (classic builder) sends the credentials of its config.json', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    await gone();
    const env = { DOCKER_CONFIG: join(d.dir, 'docker-build-config'), DOCKER_BUILDKIT: '0' };
    const dir = join(d.dir, 'ctx-docker');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    await ok(d.docker(['login', '-u', 'bob', '--password-stdin', reg.host], { env, input: 'b-pass\n' }));
    const out = await ok(d.docker(['build', '-t', 'fromauth:docker', dir], { env }));
    assert.match(out, /Successfully tagged fromauth:docker/);
  });
});
