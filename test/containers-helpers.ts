/**
 * Shared set-up for the container integration tests: a test daemon with berth's busybox base
 * image (and a few variants with ENTRYPOINT/CMD/USER/VOLUME), and a clean-up that removes every
 * container (so no shim, process or mount outlives the test) before the daemon goes.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';

export async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A daemon with `busybox` (no CMD, like make-busybox.sh), `bbsh` (CMD sh) and `bbentry` (ENTRYPOINT echo). */
export async function daemonWithBusybox(): Promise<TestDaemon> {
  const d = await startDaemon();
  const tar = join(d.dir, 'rootfs.tar');
  writeFileSync(tar, busyboxRootfsTar());
  await ok(d.berth(['import', tar, 'busybox']));
  await ok(d.berth(['import', '-c', 'CMD ["sh"]', tar, 'bbsh']));
  await ok(d.berth(['import', '-c', 'ENTRYPOINT ["echo", "from-entrypoint"]', '-c', 'CMD ["default-arg"]', tar, 'bbentry']));
  await ok(d.berth(['import', '-c', 'USER user', '-c', 'WORKDIR /home/user', '-c', 'ENV GREETING=hello', '-c', 'VOLUME /data', tar, 'bbuser']));
  return d;
}

/** Removes every container (killing running ones), then stops the daemon and deletes its files. */
export async function cleanupDaemon(d: TestDaemon): Promise<void> {
  if (d.process.exitCode === null) {
    const ids = (await d.berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await d.berth(['rm', '-f', '-v', ...ids]);
  }
  await d.cleanup();
}
