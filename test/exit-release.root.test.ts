/**
 * A container's exit as dockerd orders it: waits and followed logs end at the `die`, before the
 * root and the network are released; what comes after a wait (start again, rm, commit) waits for
 * that release instead of colliding with it; and the release of a process that ended at once
 * begins only after its `runc start` has returned (runc removes its exec.fifo after letting the
 * process go: a `runc delete` meanwhile failed short `docker run --rm` containers).
 *
 * The daemon runs a `runc` of the test's first in its PATH: it logs when `start` and `delete` begin
 * and end, and holds a `start` (after the real one returned) or a `delete` (before it runs) while
 * a gate file exists, so the order is checked without depending on timing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { hasDocker, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, ok } from './containers-helpers.js';
import { api } from './network-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runcWrapper(real: string, log: string, gates: string): string {
  return `#!/bin/sh
sub=; skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  case "$a" in --root|--log|--log-format) skip=1 ;; -*) ;; *) sub=$a; break ;; esac
done
for id in "$@"; do :; done
case "$sub" in
  start)
    echo "start-begin $id" >> ${log}
    ${real} "$@"; rc=$?
    while [ -e ${gates}/start ]; do sleep 0.02; done
    echo "start-end $id" >> ${log}
    exit $rc ;;
  delete)
    echo "delete-begin $id" >> ${log}
    while [ -e ${gates}/delete ]; do sleep 0.02; done
    ${real} "$@"; rc=$?
    echo "delete-end $id" >> ${log}
    exit $rc ;;
esac
exec ${real} "$@"
`;
}

/** Tracks whether a command has finished (without awaiting it). */
function pending(p: Promise<RunResult>): { done: () => boolean; result: Promise<RunResult> } {
  let finished = false;
  const result = p.finally(() => (finished = true));
  return { done: () => finished, result };
}

describe('exits: waits end at the die, what follows waits for the release', { skip: !hasDocker, timeout: 300_000 }, () => {
  let d: TestDaemon;
  let gates: string;
  let log: string;
  const events = (id: string) =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.endsWith(` ${id}`))
      .map((l) => l.split(' ')[0]);
  const gate = (name: 'start' | 'delete', closed: boolean) => (closed ? writeFileSync(join(gates, name), '') : rmSync(join(gates, name), { force: true }));

  before(async () => {
    const real = execFileSync('sh', ['-c', 'command -v runc'], { encoding: 'utf8' }).trim();
    const dir = mkdtempSync(join(tmpdir(), 'berth-test-'));
    const bin = join(dir, 'wrapbin');
    gates = join(dir, 'gates');
    log = join(dir, 'runc.log');
    mkdirSync(bin);
    mkdirSync(gates);
    writeFileSync(log, '');
    writeFileSync(join(bin, 'runc'), runcWrapper(real, log, gates));
    chmodSync(join(bin, 'runc'), 0o755);
    d = await startDaemon({ dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const tar = join(dir, 'rootfs.tar');
    writeFileSync(tar, busyboxRootfsTar());
    await ok(d.berth(['import', tar, 'busybox']));
  });

  after(async () => {
    if (gates && existsSync(gates)) {
      gate('start', false);
      gate('delete', false);
    }
    await cleanupDaemon(d);
  });

  it('the release of a process that ended at once begins after its runc start returned', async () => {
    const id = (await ok(d.docker(['create', 'busybox', 'true']))).trim();
    gate('start', true);
    const start = pending(d.docker(['start', id]));
    try {
      // Held until the process has gone (runc start has returned meanwhile; only the wrapper holds).
      while (!events(id).includes('start-begin')) await sleep(20);
      for (;;) {
        const pid = (await api(d, 'GET', `/containers/${id}/json`)).json.State.Pid;
        if (!pid || !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) break;
        await sleep(20);
      }
      await sleep(300);
      assert.ok(!events(id).includes('delete-begin'), `runc delete ran while runc start had not returned: ${events(id).join(' ')}`);
      assert.equal(start.done(), false);
    } finally {
      gate('start', false);
    }
    const r = await start.result;
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await ok(d.docker(['wait', id]))).trim(), '0');
    await ok(d.docker(['rm', id]));
    const order = events(id);
    assert.ok(order.indexOf('start-end') >= 0 && order.indexOf('start-end') < order.indexOf('delete-begin'), order.join(' '));
  });

  it('wait and logs -f end at the die, before the release; start, commit and rm right after work', async () => {
    await ok(d.docker(['network', 'create', 'exitnet']));
    const id = (
      await ok(d.docker(['create', '--network', 'exitnet', 'busybox', 'sh', '-c', 'echo out; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo last; exit 3']))
    ).trim();
    await ok(d.docker(['start', id]));
    // Both follow the running container before it is let go (a late one would only pass).
    const logs = pending(d.docker(['logs', '-f', id], { timeoutMs: 30_000 }));
    const wait = pending(d.docker(['wait', id], { timeoutMs: 30_000 }));
    await sleep(500);
    // The release is held: the exit's runc delete does not run until the gate opens.
    gate('delete', true);
    try {
      await heldRelease(id, logs, wait);
    } finally {
      gate('delete', false);
    }
    // The second run finds /tmp/go and ends at once: rm right after its wait.
    assert.equal((await ok(d.docker(['wait', id]))).trim(), '3');
    await ok(d.docker(['rm', id]));
    await ok(d.docker(['rmi', 'exitnet-commit']));
    await ok(d.docker(['network', 'rm', 'exitnet']));
  });

  async function heldRelease(id: string, logs: ReturnType<typeof pending>, wait: ReturnType<typeof pending>): Promise<void> {
    await ok(d.docker(['exec', id, 'touch', '/tmp/go'], { timeoutMs: 30_000 }));
    const w = await wait.result;
    assert.deepEqual([w.code, w.stdout], [0, '3\n'], w.stderr);
    const l = await logs.result;
    assert.deepEqual([l.code, l.stdout], [0, 'out\nlast\n'], l.stderr);
    assert.equal((await api(d, 'GET', `/containers/${id}/json`)).json.State.Status, 'exited');
    assert.ok(!events(id).includes('delete-end'), 'the release finished before the wait returned');
    // A start right away waits for the release (with the old run's runc state still there it would fail).
    const again = pending(d.docker(['start', id]));
    const commit = await d.docker(['commit', id, 'exitnet-commit']);
    assert.equal(commit.code, 0, commit.stderr);
    await sleep(300);
    assert.equal(again.done(), false, 'start went ahead of the release');
    gate('delete', false);
    const a = await again.result;
    assert.equal(a.code, 0, a.stderr);
  }

  it('short --rm containers never fail, from docker and berth', async () => {
    for (let i = 0; i < 15; i++) {
      for (const cli of [d.docker, d.berth]) {
        const r = await cli(['run', '--rm', 'busybox', 'true']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '');
      }
    }
    assert.equal(await ok(d.docker(['ps', '-aq'])), '');
  });
});
