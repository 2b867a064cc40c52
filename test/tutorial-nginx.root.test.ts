/**
 * The second seed tutorial for real: the seed nginx image (scripts/make-seed-images.sh, Debian's
 * nginx as the `nginx:mainline-alpine` stand-in), examples/banana-smith built with
 * `-t banana-smith-image`, `run -d -P --name banana-smith-container`, `berth port`, the page
 * fetched on 127.0.0.1, then opened in headless Chromium: the rendered title is checked and the
 * screenshot kept in test-artifacts/ (gitignored). The rootfs tar is made once and cached
 * outside the repository (BERTH_SEED_CACHE, default /var/cache/berth-seed).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanupDaemon, ok } from './containers-helpers.js';
import { berthBin, distRoot, run, startDaemon, type TestDaemon } from './helpers/daemon.js';
import { httpGet } from './network-helpers.js';

const repoRoot = join(distRoot, '..');
const seedScript = join(repoRoot, 'scripts', 'make-seed-images.sh');
const cacheDir = process.env.BERTH_SEED_CACHE || '/var/cache/berth-seed';
const chromiumBin = '/usr/bin/chromium';
const artifactsDir = join(repoRoot, 'test-artifacts');

describe('nginx tutorial in a browser', { timeout: 900_000 }, () => {
  let d: TestDaemon | undefined;
  let work: string;
  let skipWhy = '';

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-nginx-tutorial-'));
    if (!existsSync(join(cacheDir, 'nginx.tar'))) {
      // Made once (debootstrap from deb.debian.org, about 2 minutes), then cached.
      const made = await run('bash', [seedScript, '--tars', 'nginx'], { timeoutMs: 840_000 });
      if (made.code !== 0 || !existsSync(join(cacheDir, 'nginx.tar'))) {
        skipWhy = `the seed nginx rootfs ${join(cacheDir, 'nginx.tar')} is absent and could not be made: ${(made.stderr || made.stdout).trim().split('\n').slice(-3).join(' | ')}`;
        return;
      }
    }
    d = await startDaemon();
    // The seed script takes one berth command: a wrapper pointing at this test's daemon.
    writeFileSync(join(work, 'berth'), `#!/bin/sh\nexec "${berthBin}" -H "${d.host}" "$@"\n`, { mode: 0o755 });
    await ok(run('bash', [seedScript, '--local', 'nginx'], { env: { ...process.env, BERTH: join(work, 'berth') }, timeoutMs: 300_000 }));
  });

  after(async () => {
    if (d) await cleanupDaemon(d);
    rmSync(work, { recursive: true, force: true });
  });

  it('the seed image is configured as the official one', async (t) => {
    if (!d) return t.skip(skipWhy);
    const cfg = JSON.parse(await ok(d.berth(['image', 'inspect', '-f', '{{json .Config}}', 'nginx:mainline-alpine'])));
    assert.deepEqual(cfg.Cmd, ['nginx', '-g', 'daemon off;']);
    assert.deepEqual(cfg.ExposedPorts, { '80/tcp': {} });
    assert.equal(cfg.StopSignal, 'SIGQUIT');
    assert.match(cfg.Labels['org.opencontainers.image.description'], /stand-in for nginx:mainline-alpine/);
    const links = await ok(d.berth(['run', '--rm', 'nginx:mainline-alpine', 'readlink', '/var/log/nginx/access.log', '/var/log/nginx/error.log']));
    assert.equal(links, '/dev/stdout\n/dev/stderr\n');
  });

  it('build, run -d -P, port, and the page in Chromium', async (t) => {
    if (!d) return t.skip(skipWhy);
    const built = await ok(d.berth(['build', '-t', 'banana-smith-image', '.'], { cwd: join(repoRoot, 'examples', 'banana-smith') }));
    assert.match(built, /Step 1\/2 : FROM nginx:mainline-alpine\n/);
    assert.match(built, /Successfully tagged banana-smith-image:latest\n$/);

    const id = (await ok(d.berth(['run', '-d', '-P', '--name', 'banana-smith-container', 'banana-smith-image']))).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const port = await ok(d.berth(['port', 'banana-smith-container']));
    const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/m.exec(port);
    assert.ok(m, `berth port: ${port}`);
    const hostPort = Number(m[1]);
    assert.match(await ok(d.berth(['ps', '--format', '{{.Names}} {{.Ports}}'])), new RegExp(`^banana-smith-container 0\\.0\\.0\\.0:${hostPort}->80/tcp`, 'm'));

    const page = await httpGet(hostPort, '/');
    assert.match(page, /<title>Welcome to nginx!<\/title>/);
    assert.match(page, /Hello from banana-smith-container/);

    if (!existsSync(chromiumBin)) return t.skip(`${chromiumBin} not installed (apt-get install chromium): the page was checked over HTTP only`);
    mkdirSync(artifactsDir, { recursive: true });
    const shot = join(artifactsDir, 'nginx-tutorial.png');
    rmSync(shot, { force: true });
    const url = `http://127.0.0.1:${hostPort}/`;
    const chrome = await run(
      chromiumBin,
      ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(work, 'chromium')}`, '--window-size=1024,768', `--screenshot=${shot}`, '--dump-dom', url],
      { timeoutMs: 120_000, env: { ...process.env, HOME: work } },
    );
    assert.equal(chrome.code, 0, chrome.stderr.slice(-2000));
    const title = /<title>([^<]*)<\/title>/.exec(chrome.stdout)?.[1];
    assert.equal(title, 'Welcome to nginx!', `rendered DOM: ${chrome.stdout.slice(0, 500)}`);
    assert.match(chrome.stdout, /id="banana-smith"/);
    assert.ok(existsSync(shot), `no screenshot: ${chrome.stderr.slice(-1000)}`);
    assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.ok(statSync(shot).size > 2000, 'the screenshot has content');
    t.diagnostic(`screenshot: ${shot}`);
    console.log(`# nginx tutorial screenshot: ${shot}`);

    // nginx's logs go to the container's stdout/stderr: Chromium's request is in `berth logs`.
    const logs = await ok(d.berth(['logs', 'banana-smith-container']));
    assert.match(logs, /"GET \/ HTTP\/1\.1" 200 .*HeadlessChrome/);

    // STOPSIGNAL SIGQUIT: nginx quits gracefully (exit 0), not killed at the stop timeout (137).
    await ok(d.berth(['stop', 'banana-smith-container']));
    assert.equal(await ok(d.berth(['inspect', '-f', '{{.State.ExitCode}}', 'banana-smith-container'])), '0\n');
  });
});
