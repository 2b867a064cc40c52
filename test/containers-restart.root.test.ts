/**
 * Containers outlive berthd: after a clean stop or a crash (SIGKILL) of the daemon, running
 * containers keep running under their shims, are listed again, their logs hold everything they
 * wrote (also while berthd was away), and they can be attached, exec'd into and stopped.
 * Containers that ended meanwhile are settled at start-up (status, --rm, restart policies).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

const TICKER = 'trap "echo bye; exit 0" TERM; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done';

function ticks(text: string): number[] {
  return text.split('\n').filter((l) => l.startsWith('tick ')).map((l) => Number(l.slice(5)));
}

describe('containers across daemon restarts', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await daemonWithBusybox();
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`keeps running containers through a daemon ${signal === 'SIGTERM' ? 'stop' : 'crash'}`, async () => {
      const name = `tick-${signal}`;
      const id = (await ok(d.berth(['run', '-d', '--name', name, 'busybox', 'sh', '-c', TICKER]))).trim();
      const pid = JSON.parse(await ok(d.berth(['container', 'inspect', name])))[0].State.Pid;
      await new Promise((r) => setTimeout(r, 300));
      await d.stop(signal);
      assert.doesNotThrow(() => process.kill(pid, 0), 'the container process survives the daemon');
      await new Promise((r) => setTimeout(r, 500));
      await d.restart();
      const ps = await ok(d.berth(['ps', '--format', '{{.ID}} {{.Names}} {{.State}}']));
      assert.match(ps, new RegExp(`^${id.slice(0, 12)} ${name} running$`, 'm'));
      const logs = ticks(await ok(d.berth(['logs', name])));
      assert.ok(logs.length >= 7, `${logs.length} ticks`);
      assert.deepEqual(logs, logs.map((_, i) => i), 'nothing lost while berthd was away');
      assert.equal(await ok(d.berth(['exec', name, 'echo', 'still here'])), 'still here\n');
      const follow = d.berth(['logs', '-f', '--tail', '1', name]);
      await new Promise((r) => setTimeout(r, 300));
      await ok(d.berth(['stop', name]));
      const f = await follow;
      assert.equal(f.code, 0);
      assert.match(f.stdout, /bye\n$/);
      assert.match(await ok(d.berth(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])), new RegExp(`^${name} Exited \\(0\\)`, 'm'));
      assert.throws(() => process.kill(pid, 0));
      await ok(d.berth(['rm', name]));
    });
  }

  it('settles containers that ended while the daemon was away', async () => {
    await ok(d.berth(['run', '-d', '--name', 'ends', 'busybox', 'sh', '-c', 'sleep 0.5; exit 4']));
    await ok(d.berth(['run', '-d', '--rm', '--name', 'gone', 'busybox', 'sh', '-c', 'sleep 0.5']));
    await ok(d.berth(['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.5; exit 2']));
    await ok(d.berth(['run', '-d', '--name', 'stopped', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']));
    await ok(d.berth(['stop', '-t', '0', 'stopped']));
    // As Docker: a manually stopped `always` container starts again with the daemon.
    await ok(d.berth(['run', '-d', '--name', 'stopped-always', '--restart', 'always', 'busybox', 'sleep', '1000']));
    await ok(d.berth(['stop', '-t', '0', 'stopped-always']));
    await d.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1200));
    await d.restart();
    const st = (n: string) => ok(d.berth(['container', 'inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', n])).then((s) => s.trim());
    assert.equal(await st('ends'), 'exited 4');
    assert.equal((await d.berth(['container', 'inspect', 'gone'])).code, 1, '--rm container removed');
    assert.match(await st('always'), /^(running|restarting) /);
    assert.equal(await st('stopped'), 'exited 137');
    assert.match(await st('stopped-always'), /^running /);
    await ok(d.berth(['rm', '-f', 'ends', 'always', 'stopped', 'stopped-always']));
  });

  it('attaches to a container started by an earlier daemon', async () => {
    await ok(d.berth(['run', '-d', '-i', '--name', 'cat', 'busybox', 'sh', '-c', 'while read l; do echo "got $l"; done']));
    await d.stop('SIGTERM');
    await d.restart();
    // stdin stays open after the client's input ends (no StdinOnce): stop the container to end it.
    const attach = d.berth(['attach', 'cat'], { input: 'one\ntwo\n' });
    for (let i = 0; i < 100 && !(await ok(d.berth(['logs', 'cat']))).includes('got two'); i++) await new Promise((r) => setTimeout(r, 50));
    await ok(d.berth(['stop', '-t', '1', 'cat']));
    const r = await attach;
    assert.equal(r.stdout, 'got one\ngot two\n');
    assert.equal(r.code, 137);
    await ok(d.berth(['rm', '-f', 'cat']));
  });
});
