/**
 * Registry authentication: Distribution with htpasswd basic auth and with bearer tokens from a
 * token server the test runs. `berth login` and `docker login` against berthd, credentials in
 * $DOCKER_CONFIG/config.json as docker writes them, pushes and pulls with them, Docker's texts
 * for missing and wrong credentials.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildArchive } from '../src/store/testing/archive.js';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { hasDocker, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';
import { startTokenServer, type TokenServer } from './helpers/token-server.js';

/** Loads an image of four small layers as `ref`: a push sends their first requests together. */
async function loadLayered(d: TestDaemon, ref: string): Promise<void> {
  const layers = [0, 1, 2, 3].map((i) => tarFromEntries([{ name: `layer-${i}`, data: `layer ${i} of ${ref}\n` }]));
  writeFileSync(join(d.dir, 'layered.tar'), buildArchive([{ tags: [ref], layers, created: '2024-01-01T00:00:00Z' }]));
  await ok(d.berth(['load', '-i', join(d.dir, 'layered.tar')]));
}

async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('registry auth: basic (htpasswd)', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    reg = await startRegistry({ auth: { htpasswd: { user: 'alice', password: 's3cret' } } });
    d = await startDaemon();
    env = { DOCKER_CONFIG: join(d.dir, 'berth-config') };
    writeFileSync(join(d.dir, 'rootfs.tar'), busyboxRootfsTar());
    await ok(d.berth(['import', join(d.dir, 'rootfs.tar'), `${reg.host}/private/bb:1`]));
  });
  after(async () => {
    await d?.cleanup();
    await reg?.stop();
  });

  it('refuses a push without credentials', async () => {
    const r = await d.berth(['push', `${reg.host}/private/bb:1`], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no basic auth credentials/);
  });

  it('refuses wrong credentials with Docker\'s text', async () => {
    const r = await d.berth(['login', '-u', 'alice', '--password-stdin', reg.host], { env, input: 'wrong\n' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `Error response from daemon: login attempt to http://${reg.host}/v2/ failed with status: 401 Unauthorized`);
  });

  it('logs in, stores the credentials as docker does, pushes and pulls, logs out', async () => {
    const out = await ok(d.berth(['login', '-u', 'alice', '--password-stdin', reg.host], { env, input: 's3cret\n' }));
    assert.equal(out, 'Login Succeeded\n');
    const cfg = JSON.parse(readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8'));
    assert.deepEqual(cfg.auths[reg.host], { auth: Buffer.from('alice:s3cret').toString('base64') });
    const push = await ok(d.berth(['push', `${reg.host}/private/bb:1`], { env }));
    assert.match(push, /: Pushed$/m);
    await ok(d.berth(['rmi', `${reg.host}/private/bb:1`]));
    const pull = await ok(d.berth(['pull', `${reg.host}/private/bb:1`], { env }));
    assert.match(pull, /Status: Downloaded newer image/);
    assert.equal(await ok(d.berth(['logout', reg.host], { env })), `Removing login credentials for ${reg.host}\n`);
    assert.deepEqual(JSON.parse(readFileSync(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')).auths, {});
    const r = await d.berth(['pull', `${reg.host}/private/bb:1`], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no basic auth credentials/);
  });

  it('pushes an image of several layers, whose first requests meet the challenge together', async () => {
    await ok(d.berth(['login', '-u', 'alice', '--password-stdin', reg.host], { env, input: 's3cret\n' }));
    await loadLayered(d, `${reg.host}/private/layered:1`);
    const push = await ok(d.berth(['push', `${reg.host}/private/layered:1`], { env }));
    assert.equal(push.match(/: Pushed$/gm)?.length, 4, push);
    await ok(d.berth(['logout', reg.host], { env }));
  });

  it('works with docker login and docker push against berthd', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    const bad = await d.docker(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'nope\n' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized/);
    const good = await ok(d.docker(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 's3cret\n' }));
    assert.match(good, /Login Succeeded/);
    await ok(d.docker(['tag', `${reg.host}/private/bb:1`, `${reg.host}/private/bb:docker`]));
    const push = await ok(d.docker(['push', `${reg.host}/private/bb:docker`]));
    assert.match(push, /docker: digest: sha256:[0-9a-f]{64} size: \d+/);
  });
});

describe('registry auth: bearer tokens', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let tokens: TokenServer;
  let reg: TestRegistry;
  let d: TestDaemon;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    tokens = await startTokenServer({ name: 'bob', password: 'pw' });
    reg = await startRegistry({ auth: { token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certPem } } });
    d = await startDaemon();
    env = { DOCKER_CONFIG: join(d.dir, 'berth-config') };
    writeFileSync(join(d.dir, 'rootfs.tar'), busyboxRootfsTar());
    await ok(d.berth(['import', join(d.dir, 'rootfs.tar'), `${reg.host}/public/bb:1`]));
  });
  after(async () => {
    await d?.cleanup();
    await reg?.stop();
    await tokens?.close();
  });

  it('anonymous tokens do not allow a push', async () => {
    const r = await d.berth(['push', `${reg.host}/public/bb:1`], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unauthorized|denied/);
  });

  it('a wrong password is refused by the token server', async () => {
    const r = await d.berth(['login', '-u', 'bob', '--password-stdin', reg.host], { env, input: 'bad' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error response from daemon: .*incorrect username or password/);
  });

  it('logs in, pushes with a token for pull,push, pulls anonymously', async () => {
    assert.equal(await ok(d.berth(['login', '-u', 'bob', '--password-stdin', reg.host], { env, input: 'pw' })), 'Login Succeeded\n');
    const push = await ok(d.berth(['push', `${reg.host}/public/bb:1`], { env }));
    assert.match(push, /: Pushed$/m);
    assert.ok(tokens.requests.some((r) => r.account === 'bob' && r.scopes.includes('repository:public/bb:pull,push')), JSON.stringify(tokens.requests));
    const fresh = await startDaemon();
    try {
      const pull = await ok(fresh.berth(['pull', `${reg.host}/public/bb:1`], { env: { DOCKER_CONFIG: join(fresh.dir, 'none') } }));
      assert.match(pull, /Status: Downloaded newer image/);
      assert.ok(tokens.requests.some((r) => r.account === '' && r.scopes.includes('repository:public/bb:pull')));
    } finally {
      await fresh.cleanup();
    }
  });

  it('pushes an image of several layers, whose first requests meet the challenge together', async () => {
    await loadLayered(d, `${reg.host}/public/layered:1`);
    const push = await ok(d.berth(['push', `${reg.host}/public/layered:1`], { env }));
    assert.equal(push.match(/: Pushed$/gm)?.length, 4, push);
  });
});
