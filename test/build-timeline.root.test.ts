/**
 * `berth build --timeline FILE.html`: a two-branch multi-stage build (the branches run in
 * parallel), drawn as one lane per stage, then opened in headless Chromium: the rendered DOM
 * has the lanes and bars, the two branches overlap in time, and the screenshot is kept in
 * test-artifacts/ (gitignored).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, type BuildDaemon } from './build-fixture.js';
import { distRoot, run } from './helpers/daemon.js';

const chromiumBin = '/usr/bin/chromium';
const artifactsDir = join(distRoot, '..', 'test-artifacts');

describe('berth build --timeline', () => {
  let b: BuildDaemon;
  before(async () => {
    b = await buildDaemon();
  });
  after(async () => {
    await b.cleanup();
  });

  it('draws stages as lanes, parallel stages side by side, and renders in Chromium', async (t) => {
    const dir = b.context({
      Dockerfile: [
        'FROM busybox:latest AS left', 'RUN sleep 1 && echo l > /l',
        'FROM busybox:latest AS right', 'RUN sleep 1 && echo r > /r',
        'FROM busybox:latest', 'COPY --from=left /l /l', 'COPY --from=right /r /r', '',
      ].join('\n'),
    });
    const file = join(dir, 'timeline.html');
    const r = await b.build(dir, ['--timeline', file]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.ok(!r.stdout.includes('berth.timeline'), 'the classic text is unchanged');
    const html = readFileSync(file, 'utf8');
    assert.equal((html.match(/<g class="lane"/g) ?? []).length, 3);
    // The two RUN bars (steps 2 and 4) overlap in time: their x ranges intersect.
    const bar = (step: number) => {
      const m = new RegExp(`data-step="${step}"><rect class="[^"]*" x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"`).exec(html);
      assert.ok(m, `bar of step ${step}`);
      return { x0: Number(m[1]), x1: Number(m[1]) + Number(m[2]) };
    };
    const [a, c] = [bar(2), bar(4)];
    assert.ok(a.x0 < c.x1 && c.x0 < a.x1, `parallel stages overlap: ${JSON.stringify([a, c])}`);
    assert.match(html, /class="bar miss critical"/);
    // A rebuild: the four steps after the FROMs are cache hits, drawn as such.
    const again = await b.build(dir, ['--timeline', file]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((readFileSync(file, 'utf8').match(/class="bar cached/g) ?? []).length, 4);

    if (!existsSync(chromiumBin)) return t.skip(`${chromiumBin} not installed: the HTML was checked as text only`);
    mkdirSync(artifactsDir, { recursive: true });
    const shot = join(artifactsDir, 'build-timeline.png');
    const first = await b.build(dir, ['--no-cache', '--timeline', file]);
    assert.equal(first.code, 0, first.stderr);
    const chrome = await run(
      chromiumBin,
      ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(dir, 'chromium')}`, '--window-size=1100,400', `--screenshot=${shot}`, '--dump-dom', `file://${file}`],
      { timeoutMs: 120_000 },
    );
    assert.equal(chrome.code, 0, chrome.stderr.slice(-2000));
    assert.equal((chrome.stdout.match(/<g class="lane"/g) ?? []).length, 3, chrome.stdout.slice(0, 500));
    assert.equal((chrome.stdout.match(/<rect class="bar /g) ?? []).length, 7);
    assert.ok(existsSync(shot) && statSync(shot).size > 2000, 'the screenshot has content');
    console.log(`# build timeline screenshot: ${shot}`);
  });
});
