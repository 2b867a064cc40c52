/**
 * README's main job, the first seed tutorial, as install.sh runs it: scripts/make-seed-images.sh
 * makes golang:latest from Debian packages (rootfs tar cached outside the repository), starts its
 * own CNCF Distribution, pushes the image there and writes the mirror into daemon.json (here a
 * temporary port, registry directory and daemon.json); berthd restarted on that daemon.json
 * pulls golang:latest through the mirror during `berth build .` of examples/go-hello, and
 * scripts/tutorial.sh runs the rest (run ID prints hello world!, -t dockerdemo:latest, tag,
 * images). A second seed run takes seconds; `--stop` stops the registry it started.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanupDaemon, ok } from './containers-helpers.js';
import { berthBin, distRoot, run, startDaemon, type TestDaemon } from './helpers/daemon.js';
import { freePort, hasRegistry } from './helpers/registry.js';

const repoRoot = join(distRoot, '..');
const seedScript = join(repoRoot, 'scripts', 'make-seed-images.sh');
const cacheDir = process.env.BERTH_SEED_CACHE || '/var/cache/berth-seed';

describe('go tutorial through the seed mirror', { timeout: 1_200_000 }, () => {
  let d: TestDaemon | undefined;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let skipWhy = '';

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-go-tutorial-'));
    if (!hasRegistry) {
      skipWhy = '/usr/bin/docker-registry not installed (apt-get install docker-registry)';
      return;
    }
    if (!existsSync(join(cacheDir, 'golang.tar'))) {
      // Made once (debootstrap from deb.debian.org, about 2 minutes), then cached.
      const made = await run('bash', [seedScript, '--tars', 'golang'], { timeoutMs: 1_000_000 });
      if (made.code !== 0 || !existsSync(join(cacheDir, 'golang.tar'))) {
        skipWhy = `the seed golang rootfs ${join(cacheDir, 'golang.tar')} is absent and could not be made: ${(made.stderr || made.stdout).trim().split('\n').slice(-3).join(' | ')}`;
        return;
      }
    }
    port = await freePort();
    writeFileSync(join(work, 'daemon.json'), '{"max-concurrent-downloads": 3}\n');
    d = await startDaemon({ extraArgs: ['--config-file', join(work, 'daemon.json')] });
    // The scripts take one berth command: a wrapper pointing at this test's daemon.
    writeFileSync(join(work, 'berth'), `#!/bin/sh\nexec "${berthBin}" -H "${d.host}" "$@"\n`, { mode: 0o755 });
    env = {
      ...process.env,
      BERTH: join(work, 'berth'),
      BERTH_SEED_PORT: String(port),
      BERTH_SEED_REGISTRY_DIR: join(work, 'registry'),
      BERTH_DAEMON_JSON: join(work, 'daemon.json'),
    };
  });

  after(async () => {
    if (d) {
      await run('bash', [seedScript, '--stop'], { env });
      await cleanupDaemon(d);
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('the seed script serves golang:latest from its registry and makes it the mirror', async (t) => {
    if (!d) return t.skip(skipWhy);
    const t0 = Date.now();
    const first = await run('bash', [seedScript, 'golang'], { env, timeoutMs: 900_000 });
    t.diagnostic(`first seed run (tar cached): ${Date.now() - t0} ms`);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, new RegExp(`seed registry on 127\\.0\\.0\\.1:${port} \\(pid \\d+`));
    assert.match(first.stderr, new RegExp(`pushed 127\\.0\\.0\\.1:${port}/library/golang:latest`));
    // This daemon started before daemon.json had the mirror, and was not started by berth itself.
    assert.match(first.stderr, /berthd is running without the mirror/);
    const cfg = JSON.parse(readFileSync(join(work, 'daemon.json'), 'utf8'));
    assert.deepEqual(cfg, { 'max-concurrent-downloads': 3, 'registry-mirrors': [`http://127.0.0.1:${port}`] });
    assert.equal(await ok(d.berth(['images', '-q', 'golang'])), '', 'only the registry keeps it');
    assert.ok(Number(readFileSync(join(work, 'registry', 'registry.pid'), 'utf8')) > 0);

    const t1 = Date.now();
    const second = await run('bash', [seedScript, 'golang'], { env, timeoutMs: 120_000 });
    const secondMs = Date.now() - t1;
    t.diagnostic(`second seed run: ${secondMs} ms`);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /library\/golang:latest is up to date/);
    assert.ok(secondMs < 30_000, `a second run takes seconds, not ${secondMs} ms`);
  });

  it('README main job: build . pulls golang:latest from the mirror, run ID prints hello world!, tag, images', async (t) => {
    if (!d) return t.skip(skipWhy);
    await d.stop();
    await d.restart();
    assert.equal(await ok(d.berth(['info', '--format', '{{json .RegistryConfig.Mirrors}}'])), `["http://127.0.0.1:${port}/"]\n`);
    const t0 = Date.now();
    const r = await run('bash', [join(repoRoot, 'scripts', 'tutorial.sh')], { env, timeoutMs: 900_000 });
    t.diagnostic(`tutorial: ${Date.now() - t0} ms`);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const out = r.stdout;
    assert.match(out, /\$ berth build \.\nSending build context to berth daemon [^\n]*\nStep 1\/5 : FROM golang:latest\nlatest: Pulling from library\/golang\n/);
    assert.match(out, /[0-9a-f]{12}: Pull complete\n/);
    assert.match(out, /Status: Downloaded newer image for golang:latest\n/);
    assert.match(out, /Step 4\/5 : RUN go build \.\n/);
    assert.match(out, /\$ berth run [0-9a-f]{12}\nhello world!\n/);
    assert.match(out, /Successfully tagged dockerdemo:latest\n/);
    const images = out.slice(out.lastIndexOf('$ berth images'));
    assert.match(images, /^dockerdemo-build +latest +([0-9a-f]{12}) /m);
    const id = /^dockerdemo-build +latest +([0-9a-f]{12}) /m.exec(images)![1];
    assert.match(images, new RegExp(`^dockerdemo +latest +${id} `, 'm'));
    assert.match(images, /^golang +latest +[0-9a-f]{12} /m);
    assert.equal(await ok(d.berth(['run', '--rm', 'dockerdemo-build'])), 'hello world!\n');
    const cfg = JSON.parse(await ok(d.berth(['image', 'inspect', '-f', '{{json .Config}}', 'golang:latest'])));
    assert.equal(cfg.WorkingDir, '/go');
    assert.ok(cfg.Env.includes('GOPATH=/go'), cfg.Env.join(' '));
    assert.ok(cfg.Env.includes('PATH=/go/bin:/usr/local/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'), cfg.Env.join(' '));
    assert.match(await ok(d.berth(['run', '--rm', 'golang:latest', 'go', 'version'])), /^go version go1\.\d+/);
  });
});
