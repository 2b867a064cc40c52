/**
 * Multi-stage builds: --target, stages the target does not need are neither built nor counted,
 * FROM a previous stage, meta ARGs in FROM, FROM scratch, ONBUILD triggers, and the output of
 * stages run in parallel shown in stage order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, historyCreatedBy, imageFiles, inspectConfig, type makeContext, normalizeIds, type BuildDaemon } from './build-fixture.js';

describe('berth build: stages', () => {
  let b: BuildDaemon;
  const ctx = (files: Parameters<typeof makeContext>[0]) => b.context(files);
  before(async () => {
    b = await buildDaemon();
  });
  after(async () => {
    await b.cleanup();
  });

  const multi = [
    'ARG BASE=busybox',
    'FROM $BASE AS deps',
    'COPY a /a',
    'FROM busybox AS broken',
    'COPY does-not-exist /x',
    'FROM deps AS Final',
    'COPY b /b',
    'FROM scratch AS other',
    'COPY b /b',
    '',
  ].join('\n');

  it('builds only the stages the target needs, numbering only their steps', async () => {
    const dir = ctx({ a: 'A', b: 'B', Dockerfile: multi });
    const r = await b.build(dir, ['--target', 'final', '-t', 'stages:final']);
    assert.equal(r.code, 0, r.stderr);
    const steps = r.stdout.match(/^Step .*$/gm);
    assert.deepEqual(steps, ['Step 1/5 : ARG BASE=busybox', 'Step 2/5 : FROM $BASE AS deps', 'Step 3/5 : COPY a /a', 'Step 4/5 : FROM deps AS Final', 'Step 5/5 : COPY b /b']);
    const f = await imageFiles(b.d, 'stages:final');
    assert.equal(f.get('/a')?.content, 'A');
    assert.equal(f.get('/b')?.content, 'B');
    // Without --target the last stage (scratch) is built; the others are not needed.
    const last = await b.build(dir, ['-t', 'stages:last']);
    assert.equal(last.code, 0, last.stderr);
    assert.equal(normalizeIds(last.stdout.replace(/^Sending[^\n]*\n/, '')), 'Step 1/3 : ARG BASE=busybox\nStep 2/3 : FROM scratch AS other\n ---> \nStep 3/3 : COPY b /b\n ---> <id>\nSuccessfully built <id>\nSuccessfully tagged stages:last\n');
    const files = await imageFiles(b.d, 'stages:last');
    assert.deepEqual([...files.keys()], ['/b']);
    // The broken stage fails when it is the target.
    const broken = await b.build(dir, ['--target', 'broken']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /COPY failed: file not found/);
  });

  it('expands meta ARGs in FROM with --build-arg', async () => {
    const dir = ctx({ a: 'A', b: 'B', Dockerfile: 'ARG BASE=nosuch\nFROM ${BASE}\nCOPY a /a\n' });
    const r = await b.build(dir, ['--build-arg', 'BASE=busybox', '-t', 'stages:arg']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await imageFiles(b.d, 'stages:arg')).get('/a')?.content, 'A');
  });

  it('shows the output of independent stages in stage order', async () => {
    const files: Record<string, string> = { Dockerfile: '' };
    let df = '';
    for (let i = 0; i < 4; i++) {
      files[`f${i}`] = `${i}`.repeat(1000);
      df += `FROM busybox AS s${i}\nCOPY f${i} /f\nENV S=${i}\n`;
    }
    df += 'FROM busybox\n' + [0, 1, 2, 3].map((i) => `COPY --from=s${i} /f /f${i}`).join('\n') + '\n';
    files.Dockerfile = df;
    const r = await b.build(ctx(files), ['-t', 'stages:par']);
    assert.equal(r.code, 0, r.stderr);
    const steps = (r.stdout.match(/^Step (\d+)\//gm) ?? []).map((s) => Number(s.slice(5, -1)));
    assert.deepEqual(steps, Array.from({ length: 17 }, (_, i) => i + 1));
    const f = await imageFiles(b.d, 'stages:par');
    for (let i = 0; i < 4; i++) assert.equal(f.get(`/f${i}`)?.content, `${i}`.repeat(1000));
  });

  it('builds independent stages at the same time', async () => {
    // Each stage notes the host's uptime before and after its 1.5 s step: in parallel, the two
    // intervals overlap (checked from the steps' own clocks, not the build's wall time, which a
    // busy host stretches).
    const step = (n: string) => `RUN cut -d' ' -f1 /proc/uptime > /${n} && sleep 1.5 && cut -d' ' -f1 /proc/uptime >> /${n}`;
    const dir = ctx({
      Dockerfile: `FROM busybox AS a\n${step('a')}\nFROM busybox AS b\n${step('b')}\nFROM busybox\nCOPY --from=a /a /a\nCOPY --from=b /b /b\n`,
    });
    // Without a network: this checks the solver, not netavark's setup of the steps' namespaces.
    const r = await b.build(dir, ['--network', 'none', '-t', 'stages:parallel']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'stages:parallel');
    const [aStart, aEnd] = (f.get('/a')?.content ?? '').trim().split('\n').map(Number) as [number, number];
    const [bStart, bEnd] = (f.get('/b')?.content ?? '').trim().split('\n').map(Number) as [number, number];
    assert.ok(aEnd - aStart >= 1.4 && bEnd - bStart >= 1.4, `steps ran: a ${aStart}–${aEnd}, b ${bStart}–${bEnd}`);
    assert.ok(aStart < bEnd && bStart < aEnd, `the two stages' steps did not overlap: a ${aStart}–${aEnd}, b ${bStart}–${bEnd}`);
    const steps = (r.stdout.match(/^Step (\d+)\//gm) ?? []).map((x) => Number(x.slice(5, -1)));
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7], 'output in stage order');
  });

  it('runs ONBUILD triggers when a child builds FROM the image; the child has no triggers of its own', async () => {
    const parent = ctx({ 'p.txt': 'parent', Dockerfile: 'FROM busybox\nONBUILD COPY c.txt /from-child.txt\nONBUILD ENV TRIGGERED=yes\n' });
    const p = await b.build(parent, ['-t', 'onbuild:parent']);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual((await inspectConfig(b.d, 'onbuild:parent')).OnBuild, ['COPY c.txt /from-child.txt', 'ENV TRIGGERED=yes']);
    const child = ctx({ 'c.txt': 'child', Dockerfile: 'FROM onbuild:parent\nENV AFTER=1\n' });
    const c = await b.build(child, ['-t', 'onbuild:child']);
    assert.equal(c.code, 0, c.stderr);
    assert.match(
      normalizeIds(c.stdout),
      /Step 1\/2 : FROM onbuild:parent\n# Executing 2 build triggers\n ---> Running in <id>\nRemoving intermediate container <id>\n ---> <id>\nStep 2\/2 : ENV AFTER=1\n/,
    );
    const cfg = await inspectConfig(b.d, 'onbuild:child');
    assert.equal(cfg.OnBuild, null);
    assert.ok((cfg.Env as string[]).includes('TRIGGERED=yes'));
    assert.equal((await imageFiles(b.d, 'onbuild:child')).get('/from-child.txt')?.content, 'child');
    const hist = await historyCreatedBy(b.d, 'onbuild:child');
    assert.equal(hist[0], '/bin/sh -c #(nop)  ENV AFTER=1');
    assert.equal(hist[1], '/bin/sh -c #(nop)  ENV TRIGGERED=yes');
    assert.match(hist[2]!, /COPY file:[0-9a-f]{64} in \/from-child\.txt $/);
    assert.equal(hist[3], '/bin/sh -c #(nop)  ONBUILD ENV TRIGGERED=yes');
  });
});
