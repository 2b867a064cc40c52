/**
 * Reproducible builds: with SOURCE_DATE_EPOCH (the client's env, or a build arg) the same
 * context built on two daemons with their own data roots gives the same image ID, which stays
 * the same after save/load and after a push to a registry and a pull. Without it, the
 * output is Docker's (times of the build, the step containers' IDs).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, imageId, inspectConfig, type BuildDaemon } from './build-fixture.js';
import { run, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';

const EPOCH = '1700000000';
const WHEN = '2023-11-14T22:13:20Z';

const files = {
  'src/main.txt': 'main\n',
  'src/lib/util.txt': 'util\n',
  Dockerfile: [
    'FROM busybox:latest',
    'ENV APP=/app',
    'COPY src /app/src',
    'RUN mkdir -p /app/out && echo built > /app/out/result && touch /app/stamp',
    'WORKDIR /app',
    'LABEL version=1',
    'CMD ["cat", "/app/out/result"]',
    '',
  ].join('\n'),
};

async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('reproducible builds (SOURCE_DATE_EPOCH)', () => {
  let a: BuildDaemon;
  let b: TestDaemon;
  let reg: TestRegistry | undefined;
  let dir: string;
  before(async () => {
    a = await buildDaemon();
    b = await startDaemon();
    // The same base image on both daemons: B loads A's busybox.
    await ok(a.d.berth(['save', '-o', join(a.d.dir, 'bb.tar'), 'busybox:latest']));
    await ok(b.berth(['load', '-i', join(a.d.dir, 'bb.tar')]));
    dir = a.context(files);
    if (hasRegistry) reg = await startRegistry();
  });
  after(async () => {
    await a.cleanup();
    await b.cleanup();
    await reg?.stop();
  });

  let id = '';

  it('gives the same image ID on two data roots (env on one, build arg on the other)', async () => {
    const ra = await a.build(dir, ['-t', 'repro:1'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    assert.equal(ra.code, 0, ra.stderr);
    assert.ok(!ra.stdout.includes('were not consumed'), 'SOURCE_DATE_EPOCH counts as consumed');
    const rb = await b.berth(['build', '--progress=classic', '--build-arg', `SOURCE_DATE_EPOCH=${EPOCH}`, '-t', 'repro:1', '.'], { cwd: dir, timeoutMs: 300_000 });
    assert.equal(rb.code, 0, rb.stderr);
    id = await imageId(a.d, 'repro:1');
    assert.equal(await imageId(b, 'repro:1'), id);
    // Another --no-cache build on A, a second later: still the same ID.
    const again = await a.build(dir, ['--no-cache', '-t', 'repro:2'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await imageId(a.d, 'repro:2'), id);
  });

  it('sets every created time the build writes, and clamps file mtimes in new layers', async () => {
    const raw = JSON.parse(await ok(a.d.berth(['image', 'inspect', 'repro:1']))) as { Created: string; Config: unknown; ContainerConfig?: { Hostname?: string }; Container?: string }[];
    assert.equal(raw[0]!.Created, WHEN);
    assert.ok(!raw[0]!.Container, 'no step container ID in the image');
    // The config as stored (from a save): the build's history entries are all at the epoch.
    const saved = join(a.d.dir, 'cfg.tar');
    await ok(a.d.berth(['save', '-o', saved, 'repro:1']));
    const config = JSON.parse(await ok(run('tar', ['-xOf', saved, `${id.slice(7)}.json`]))) as { created: string; history: { created: string }[]; container?: string };
    assert.equal(config.created, WHEN);
    assert.equal(config.container, undefined);
    const own = config.history.slice(-6);
    assert.deepEqual(own.map((h) => h.created), Array(6).fill(WHEN));
    const cfg = await inspectConfig(a.d, 'repro:1');
    assert.deepEqual(cfg.Cmd, ['cat', '/app/out/result']);
    const tarFile = join(a.d.dir, 'fs.tar');
    await ok(a.build(dir, ['-o', `type=tar,dest=${tarFile}`], { env: { SOURCE_DATE_EPOCH: EPOCH } }));
    const list = await run('tar', ['--full-time', '--utc', '-tvf', tarFile]);
    assert.equal(list.code, 0, list.stderr);
    const appLines = list.stdout.split('\n').filter((l) => / app\//.test(l));
    assert.ok(appLines.length >= 6, list.stdout);
    for (const l of appLines) assert.ok(l.includes('2023-11-14 22:13:20'), `clamped: ${l}`);
  });

  it('keeps the ID through save and load', async () => {
    await ok(a.d.berth(['save', '-o', join(a.d.dir, 'repro.tar'), 'repro:1']));
    await ok(b.berth(['rmi', 'repro:1']));
    await ok(b.berth(['load', '-i', join(a.d.dir, 'repro.tar')]));
    assert.equal(await imageId(b, 'repro:1'), id);
  });

  it('keeps the ID through a push and a pull; both daemons push the same manifest', { skip: !hasRegistry && 'docker-registry is not installed' }, async () => {
    const ref = `${reg!.host}/repro`;
    await ok(a.d.berth(['tag', 'repro:1', `${ref}:a`]));
    const pa = await ok(a.d.berth(['push', `${ref}:a`]));
    await ok(b.berth(['tag', 'repro:1', `${ref}:b`]));
    const pb = await ok(b.berth(['push', `${ref}:b`]));
    const digest = (s: string) => /digest: (sha256:[0-9a-f]{64})/.exec(s)?.[1];
    assert.ok(digest(pa), pa);
    assert.equal(digest(pb), digest(pa), 'the same manifest from both data roots');
    const fresh = await startDaemon();
    try {
      await ok(fresh.berth(['pull', `${ref}:a`]));
      assert.equal(await imageId(fresh, `${ref}:a`), id);
    } finally {
      await fresh.cleanup();
    }
  });

  it('without SOURCE_DATE_EPOCH the build is as Docker makes it (new times, container IDs)', async () => {
    const r = await a.build(dir, ['--no-cache', '-t', 'plain:1']);
    assert.equal(r.code, 0, r.stderr);
    const raw = JSON.parse(await ok(a.d.berth(['image', 'inspect', 'plain:1']))) as { Created: string; Container?: string }[];
    assert.notEqual(raw[0]!.Created, WHEN);
    assert.match(raw[0]!.Container ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(await imageId(a.d, 'plain:1'), id);
  });
});
