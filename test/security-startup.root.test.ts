/**
 * Start-up always succeeds after a crash: berthd killed with SIGKILL in the middle of a build's
 * big COPY (its overlay view still mounted under tmp/build) starts again, leaves no mount behind
 * and builds again; the data-root lock is a flock, so a pid file naming a live unrelated process
 * or a zombie does not block start-up, while a second daemon on a data root in use is refused.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { berthdBin, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p.startsWith(dir + '/'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('start-up after a crash', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let ctx: string;
  before(async () => {
    d = await daemonWithBusybox();
    ctx = join(d.dir, 'ctx');
    mkdirSync(join(ctx, 'big'), { recursive: true });
    // 96 MiB in 48 files: the COPY takes long enough to be caught in the middle.
    const chunk = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < chunk.length; i += 4096) chunk.writeUInt32LE(i, i);
    for (let i = 0; i < 48; i++) writeFileSync(join(ctx, 'big', `f${i}`), chunk);
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY big /big\n');
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it('kill -9 during a build\'s COPY: berthd starts again, unmounts the leftovers and builds', async () => {
    const scratch = join(d.dataRoot, 'tmp');
    // Kill berthd as soon as the COPY's overlay view is mounted; a kill that lands just after
    // the view was released does not count (the daemon is started again and the build retried).
    let caught = false;
    for (let attempt = 0; attempt < 8 && !caught; attempt++) {
      const build = d.berth(['build', '--no-cache', '-t', 'big', ctx], { timeoutMs: 120_000 });
      let done = false;
      void build.then(() => (done = true));
      let killed = false;
      while (!done) {
        if (mountsUnder(join(scratch, 'build')).length) {
          await d.stop('SIGKILL');
          killed = true;
          break;
        }
        await sleep(2);
      }
      await build;
      caught = killed && mountsUnder(join(scratch, 'build')).length > 0;
      if (killed && !caught) await d.restart();
      if (!caught) await d.berth(['rmi', 'big']);
    }
    assert.ok(caught, 'the build was never caught with its COPY view mounted');

    await d.restart();
    assert.deepEqual(mountsUnder(scratch), [], 'start-up unmounted everything under tmp/');
    await ok(d.berth(['build', '-t', 'big', ctx], { timeoutMs: 120_000 }));
    assert.equal((await ok(d.berth(['run', '--rm', 'big', 'sh', '-c', 'ls /big | wc -l']))).trim(), '48');
    assert.deepEqual(mountsUnder(scratch), []);
  });

  it('a pid file naming a live unrelated process or a zombie does not block start-up; a live daemon does', async () => {
    await d.stop('SIGKILL');
    // The lock file names a process that is alive (this test), as after a PID was reused.
    writeFileSync(join(d.dataRoot, 'berthd.lock'), `${process.pid}\n`);
    writeFileSync(join(d.execRoot, 'berthd.pid'), `${process.pid}\n`);
    await d.restart();
    await ok(d.berth(['version']));
    assert.equal(readFileSync(join(d.dataRoot, 'berthd.lock'), 'utf8').trim(), String(d.process.pid));

    // A zombie's pid in the lock file does not block start-up either.
    const parent = spawn('sh', ['-c', 'true & exec sleep 60'], { stdio: 'ignore' });
    try {
      let zombie = 0;
      for (let i = 0; i < 500 && !zombie; i++) {
        await sleep(10);
        const kids = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim();
        const z = Number(kids.split(' ')[0]);
        if (z && /^State:\s+Z/m.test(readFileSync(`/proc/${z}/status`, 'utf8'))) zombie = z;
      }
      assert.ok(zombie, 'made a zombie');
      await d.stop('SIGKILL');
      writeFileSync(join(d.dataRoot, 'berthd.lock'), `${zombie}\n`);
      await d.restart();
      await ok(d.berth(['version']));
    } finally {
      parent.kill('SIGKILL');
    }

    // A second daemon on the same data root is refused, naming the owner.
    const other = join(d.dir, 'run2');
    const second = spawn(process.execPath, [berthdBin, '-H', `unix://${other}/b.sock`, '--data-root', d.dataRoot, '--exec-root', other], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    second.stderr!.on('data', (c) => (err += c));
    const timer = setTimeout(() => second.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((r) => second.once('exit', (c) => r(c)));
    clearTimeout(timer);
    assert.equal(code, 1, err);
    assert.match(err, new RegExp(`another berthd \\(pid ${d.process.pid}\\) is using the data root ${d.dataRoot}`));
    // The first daemon is unaffected.
    await ok(d.berth(['version']));
  });
});
