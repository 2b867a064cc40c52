/**
 * The tutorial flows end to end: scripts/demo.sh (build examples/hello, list, tag, run), and
 * the same with the docker CLI against berthd (`DOCKER_BUILDKIT=0 docker build`, `docker
 * images`, `docker tag`, `docker run`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, type BuildDaemon } from './build-fixture.js';
import { berthBin, distRoot, hasDocker, run } from './helpers/daemon.js';

const repoRoot = join(distRoot, '..');

describe('build tutorial', () => {
  let b: BuildDaemon;
  let wrapperDir: string;
  let hasRun = false;
  before(async () => {
    b = await buildDaemon();
    wrapperDir = mkdtempSync(join(tmpdir(), 'berth-demo-'));
    // scripts/demo.sh takes one berth command: a wrapper pointing at this test's daemon.
    writeFileSync(join(wrapperDir, 'berth'), `#!/bin/sh\nexec "${berthBin}" -H "${b.d.host}" "$@"\n`, { mode: 0o755 });
    hasRun = (await b.d.berth(['run', '--help'])).code === 0;
  });
  after(async () => {
    await b.cleanup();
    rmSync(wrapperDir, { recursive: true, force: true });
  });

  it('scripts/demo.sh builds, lists, tags and runs examples/hello', async (t) => {
    if (!hasRun) return t.skip('this berth has no `run` command');
    const r = await run('bash', [join(repoRoot, 'scripts', 'demo.sh')], { env: { ...process.env, BERTH: join(wrapperDir, 'berth') }, timeoutMs: 300_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Successfully tagged hello:latest\n/);
    assert.match(r.stdout, /\nhello +latest +[0-9a-f]{12} /);
    assert.match(r.stdout, /hello world!\n$/);
    const tags = await b.d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', 'hello']);
    assert.deepEqual(tags.stdout.trim().split('\n').sort(), ['hello:latest', 'hello:v1']);
  });

  it('works with the docker CLI: build, images, tag, run', { skip: !hasDocker && 'docker CLI not installed' }, async (t) => {
    if (!hasRun) return t.skip('this berth has no `run` command');
    const dir = join(repoRoot, 'examples', 'hello');
    const built = await b.dockerBuild(dir, ['-t', 'demo:latest']);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /Successfully tagged demo:latest/);
    const images = await b.d.docker(['images']);
    assert.match(images.stdout, /^demo +latest +[0-9a-f]{12} /m);
    assert.equal((await b.d.docker(['tag', 'demo:latest', 'demo:v2'])).code, 0);
    const ran = await b.d.docker(['run', '--rm', 'demo:v2']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'hello world!\n');
  });
});
