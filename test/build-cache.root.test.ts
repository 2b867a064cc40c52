/**
 * The build cache: a step is reused when its parent, its expanded instruction, the build args
 * it uses and the content of its sources are the same; changing one file invalidates exactly
 * the steps from the first COPY that includes it; mtimes and ignored files do not matter; the
 * cache survives a daemon restart and forgets images that were removed.
 */
import assert from 'node:assert/strict';
import { chmodSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, type BuildDaemon } from './build-fixture.js';

/** For each step number, whether it came from the cache. */
function cachedSteps(stdout: string): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const part of stdout.split(/(?=^Step \d+\/\d+ : )/m)) {
    const m = /^Step (\d+)\//.exec(part);
    if (m) out.set(Number(m[1]), part.includes(' ---> Using cache\n'));
  }
  return out;
}

const dockerfile = 'FROM busybox\nENV A=1\nCOPY a.txt /a\nCOPY b.txt /b\nCOPY . /all\nENV Z=1\n';

describe('berth build: cache', () => {
  let b: BuildDaemon;
  before(async () => {
    b = await buildDaemon();
  });
  after(async () => {
    await b.cleanup();
  });

  for (const mode of ['local', 'tar'] as const) {
    it(`invalidates exactly the steps from the first COPY of a changed file (${mode} context)`, async () => {
      const env = mode === 'tar' ? { BERTH_BUILD_CONTEXT: 'tar' } : {};
      // Contents unique to this test: the cache is shared by every context with the same files.
      const dir = b.context({ 'a.txt': `a-${mode}`, 'b.txt': `b-${mode}`, 'ignored.txt': 'i', '.dockerignore': 'ignored.txt\n', Dockerfile: dockerfile });
      const build = async () => {
        const r = await b.build(dir, [], { env });
        assert.equal(r.code, 0, r.stderr);
        return cachedSteps(r.stdout);
      };
      await build();
      assert.deepEqual([...(await build()).values()].slice(1), [true, true, true, true, true]);

      writeFileSync(join(dir, 'b.txt'), `b2-${mode}`);
      assert.deepEqual([...(await build()).entries()].slice(1), [[2, true], [3, true], [4, false], [5, false], [6, false]]);

      // Only the mtime changes: nothing to rebuild.
      utimesSync(join(dir, 'a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
      assert.ok([...(await build()).values()].slice(1).every(Boolean));

      // An ignored file never reaches COPY.
      writeFileSync(join(dir, 'ignored.txt'), 'changed');
      assert.ok([...(await build()).values()].slice(1).every(Boolean));

      // The mode is part of the content.
      chmodSync(join(dir, 'a.txt'), 0o600);
      assert.deepEqual([...(await build()).entries()].slice(1), [[2, true], [3, false], [4, false], [5, false], [6, false]]);

      // A new file only changes `COPY .`.
      writeFileSync(join(dir, 'new.txt'), `n-${mode}`);
      assert.deepEqual([...(await build()).entries()].slice(1), [[2, true], [3, true], [4, true], [5, false], [6, false]]);
    });
  }

  it('shares the cache between the berth CLI (context read in place) and the docker CLI (a tar), whatever the context root\'s mode', async () => {
    const dir = b.context({ 'f.txt': 'shared-by-both-clients', 'sub/g.txt': 'g', Dockerfile: 'FROM busybox\nCOPY f.txt /f\nCOPY . /all\n' });
    chmodSync(dir, 0o700);
    const first = await b.build(dir, []);
    assert.equal(first.code, 0, first.stderr);
    const second = await b.dockerBuild(dir, []);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual([...cachedSteps(second.stdout).values()], [false, true, true], second.stdout);
  });

  it('keys COPY on the files a wildcard matched, and keeps the cache across a daemon restart', async () => {
    const dir = b.context({ 'x1.txt': 'same', Dockerfile: 'FROM busybox\nCOPY *.txt /w/\n' });
    assert.equal((await b.build(dir)).code, 0);
    await b.d.stop();
    await b.d.restart();
    const again = await b.build(dir);
    assert.equal(cachedSteps(again.stdout).get(2), true, again.stdout);
    rmSync(join(dir, 'x1.txt'));
    writeFileSync(join(dir, 'x2.txt'), 'same');
    const renamed = await b.build(dir);
    assert.equal(cachedSteps(renamed.stdout).get(2), false, 'same content under another name is another result');
  });

  it('misses cleanly when the cached image was removed', async () => {
    const dir = b.context({ Dockerfile: 'FROM busybox\nENV GONE=1\n' });
    assert.equal((await b.build(dir, ['-t', 'gone:1'])).code, 0);
    const rmi = await b.d.berth(['rmi', 'gone:1']);
    assert.equal(rmi.code, 0, rmi.stderr);
    const r = await b.build(dir, ['-t', 'gone:1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(cachedSteps(r.stdout).get(2), false);
  });
});
