/**
 * Health checks through a real berthd and runc: `--health-*` flags and an image's HEALTHCHECK,
 * State.Health in inspect, `(health: starting)` / `(healthy)` / `(unhealthy)` in ps, `ps -f
 * health=`, `--no-healthcheck`, and the docker CLI's flags against berthd.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';

describe('health checks', { timeout: 120_000 }, () => {
  let d: TestDaemon;
  const dirs: string[] = [];

  before(async () => {
    d = await daemonWithBusybox();
  });

  after(async () => {
    await cleanupDaemon(d);
    for (const x of dirs) rmSync(x, { recursive: true, force: true });
  });

  const health = async (id: string) => JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .State.Health}}', id])));
  const until = async (id: string, status: string) => {
    for (let i = 0; i < 150; i++) {
      if ((await health(id))?.Status === status) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${id} never became ${status}: ${JSON.stringify(await health(id))}`);
  };

  it('--health-cmd: starting, unhealthy after the retries, healthy once the check passes', async () => {
    const id = (await ok(d.berth(['run', '-d', '--network', 'none', '--health-cmd', 'test -f /tmp/ok && echo fine', '--health-interval', '200ms',
      '--health-retries', '2', 'busybox', 'sleep', '300']))).trim();
    assert.equal((await health(id)).Status, 'starting');
    assert.match(await ok(d.berth(['ps', '--format', '{{.Status}}', '-f', `id=${id}`])), /^Up .* \(health: starting\)\n$/);
    await until(id, 'unhealthy');
    const h = await health(id);
    assert.ok(h.FailingStreak >= 2);
    assert.equal(h.Log.at(-1).ExitCode, 1);
    await ok(d.berth(['exec', id, 'touch', '/tmp/ok']));
    await until(id, 'healthy');
    assert.equal((await health(id)).Log.at(-1).Output, 'fine\n');
    assert.match(await ok(d.berth(['ps', '--format', '{{.Status}}', '-f', 'health=healthy'])), /\(healthy\)/);
    assert.equal(await ok(d.berth(['ps', '-q', '-f', 'health=unhealthy'])), '');
    await ok(d.berth(['rm', '-f', id]));
  });

  it("an image's HEALTHCHECK runs; --no-healthcheck turns it off; flag errors are docker's", async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'berth-health-'));
    dirs.push(ctx);
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nHEALTHCHECK --interval=100ms --timeout=2s CMD true\n');
    await ok(d.berth(['build', '-q', '-t', 'hc:1', ctx]));
    const id = (await ok(d.berth(['run', '-d', '--network', 'none', 'hc:1', 'sleep', '300']))).trim();
    await until(id, 'healthy');
    const off = (await ok(d.berth(['run', '-d', '--network', 'none', '--no-healthcheck', 'hc:1', 'sleep', '300']))).trim();
    assert.equal(await ok(d.berth(['inspect', '-f', '{{json .Config.Healthcheck.Test}} {{json .State.Health}}', off])), '["NONE"] null\n');
    const bad = await d.berth(['run', '--no-healthcheck', '--health-cmd', 'true', 'busybox']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /--no-healthcheck conflicts with --health-\* options/);
    const neg = await d.berth(['run', '--health-interval', '-1s', 'busybox']);
    assert.equal(neg.code, 125);
    assert.match(neg.stderr, /--health-interval cannot be negative/);
    await ok(d.berth(['rm', '-f', id, off]));
  });

  it('the docker CLI: docker run --health-cmd, docker ps shows (healthy)', { skip: !hasDocker && 'no docker CLI' }, async () => {
    const r = await d.docker(['run', '-d', '--network', 'none', '--health-cmd', 'true', '--health-interval', '100ms', 'busybox', 'sleep', '300']);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    await until(id, 'healthy');
    const ps = await d.docker(['ps', '--format', '{{.ID}} {{.Status}}', '-f', 'health=healthy']);
    assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} Up .* \\(healthy\\)$`, 'm'));
    await ok(d.berth(['rm', '-f', id]));
  });
});
