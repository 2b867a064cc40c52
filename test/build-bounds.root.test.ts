/**
 * Bounded cost for big or hostile build input (issue 13): a long run of config-only steps
 * folds into one image past the first steps of the run (the history keeps every step, a
 * rebuild hits the cache at every step and gives the same image), and the build limits Docker
 * has give clear errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FOLD_AFTER } from '../src/builder/solver/fold.js';
import { buildDaemon, historyCreatedBy, imageId, inspectConfig, type BuildDaemon } from './build-fixture.js';

describe('build: long runs of config-only steps', { timeout: 300_000 }, () => {
  let b: BuildDaemon;
  before(async () => {
    b = await buildDaemon();
  });
  after(async () => {
    await b.cleanup();
  });

  it('folds the run past its first steps into one image, with every history entry, and caches each step', async () => {
    const n = FOLD_AFTER + 40;
    const lines = ['FROM busybox:latest'];
    for (let i = 0; i < n; i++) lines.push(`ENV V${i}=v${i}`);
    lines.push('RUN echo "$V0 $V' + (n - 1) + '" > /out', 'LABEL a=1', 'LABEL b=2');
    const dir = b.context({ Dockerfile: lines.join('\n') + '\n' });
    const r = await b.build(dir, ['-t', 'fold:1']);
    assert.equal(r.code, 0, r.stderr);
    // One ` ---> <id>` per committed step: FROM, the first FOLD_AFTER ENV, the run's last ENV, RUN and 2 LABEL.
    assert.equal((r.stdout.match(/^ ---> [0-9a-f]{12}$/gm) ?? []).length, 1 + FOLD_AFTER + 1 + 3);
    assert.equal((r.stdout.match(/^Step \d+\/\d+ : /gm) ?? []).length, n + 4);
    const hist = await historyCreatedBy(b.d, 'fold:1');
    for (let i = 0; i < n; i++) assert.equal(hist[n + 2 - i], `/bin/sh -c #(nop)  ENV V${i}=v${i}`);
    // history names each committed step's image; the folded steps (no image of their own) show <missing>.
    const ids = (await b.d.berth(['history', '--format', '{{.ID}}', 'fold:1'])).stdout.trim().split('\n');
    for (let i = 0; i < n; i++) {
      const folded = i >= FOLD_AFTER && i < n - 1;
      assert.equal(ids[n + 2 - i] === '<missing>', folded, `ENV V${i}: ${ids[n + 2 - i]}`);
    }
    const cfg = await inspectConfig(b.d, 'fold:1');
    assert.equal((cfg.Env as string[]).length, n + 1);
    assert.deepEqual(cfg.Labels, { a: '1', b: '2' });
    const out = await b.d.berth(['run', '--rm', 'fold:1', 'cat', '/out']);
    assert.equal(out.stdout, `v0 v${n - 1}\n`);

    const id = await imageId(b.d, 'fold:1');
    const again = await b.build(dir, ['-t', 'fold:1']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stdout.match(/ ---> Using cache\n/g) ?? []).length, n + 3);
    assert.equal(await imageId(b.d, 'fold:1'), id);

    // A shorter run after it hits the cache for each of its steps, yet ends where it ends.
    const short = [...lines.slice(0, FOLD_AFTER + 11), 'RUN echo short > /short'];
    const sdir = b.context({ Dockerfile: short.join('\n') + '\n' });
    const s = await b.build(sdir, ['-t', 'fold:short']);
    assert.equal(s.code, 0, s.stderr);
    assert.equal((s.stdout.match(/ ---> Using cache\n/g) ?? []).length, FOLD_AFTER + 10);
    const scfg = await inspectConfig(b.d, 'fold:short');
    assert.equal((scfg.Env as string[]).length, FOLD_AFTER + 10 + 1);
    assert.equal((await historyCreatedBy(b.d, 'fold:short'))[1], `/bin/sh -c #(nop)  ENV V${FOLD_AFTER + 9}=v${FOLD_AFTER + 9}`);
  });
});

describe('build: input limits', { timeout: 120_000 }, () => {
  let b: BuildDaemon;
  before(async () => {
    b = await buildDaemon();
  });
  after(async () => {
    await b.cleanup();
  });

  it("refuses a Dockerfile line over 65,535 bytes with Docker's message", async () => {
    const dir = b.context({ Dockerfile: `FROM busybox:latest\nLABEL big=${'a'.repeat(65536)}\n` });
    const r = await b.build(dir);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /dockerfile line greater than max allowed size of 65535/);
    const fits = b.context({ Dockerfile: `FROM busybox:latest\nLABEL big=${'a'.repeat(65535 - 'LABEL big='.length)}\n` });
    const ok = await b.build(fits);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('refuses a Dockerfile over 10 MiB', async () => {
    const line = `LABEL x=${'y'.repeat(1000)}\n`;
    const dir = b.context({ Dockerfile: 'FROM busybox:latest\n' + line.repeat(Math.ceil((10 * 1024 * 1024) / line.length) + 1) });
    const r = await b.build(dir);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the Dockerfile \(Dockerfile\) is \d+ bytes, over the limit of 10 MiB/);
  });
});
