/**
 * `docker stats --no-stream` for the same known load on dockerd 20.10 and on berthd: one busy
 * CPU and 48 MiB written to the container's /dev/shm (charged to its memory cgroup, not
 * reclaimable as inactive file cache). The docker CLI reads both daemons; the figures agree.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockerdBin, startDockerd, type Dockerd } from './diff/dockerd.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { dockerBin, hasDocker, run, unmountUnder, type TestDaemon } from './helpers/daemon.js';

const LOAD = 'head -c 48m /dev/zero > /dev/shm/load && while :; do :; done';

/** MiB from a go-units size ("48.3MiB", "1.2GiB", "900KiB"). */
function mib(s: string): number {
  const m = /^([\d.]+)([KMG]i)?B$/.exec(s.trim());
  assert.ok(m, `a size: ${s}`);
  const scale = m[2] === 'Gi' ? 1024 : m[2] === 'Ki' ? 1 / 1024 : m[2] === 'Mi' ? 1 : 1 / (1024 * 1024);
  return Number(m[1]) * scale;
}

describe('docker stats: berthd and dockerd agree on the same load', { skip: (!dockerdBin || !hasDocker) && 'dockerd or the docker CLI is not installed', timeout: 180_000 }, () => {
  let dir = '';
  let d: TestDaemon;
  let dockerd: Dockerd;
  const docker = (host: string, args: string[]) => run(dockerBin, ['-H', host, ...args], { env: { ...process.env, DOCKER_CONFIG: join(dir, 'cli') } });

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'berth-stats-dockerd-'));
    d = await daemonWithBusybox();
    dockerd = await startDockerd(join(dir, 'dockerd'));
    const image = join(dir, 'busybox.tar');
    await ok(d.berth(['save', '-o', image, 'busybox']));
    await ok(docker(dockerd.host, ['load', '-i', image]));
  });
  after(async () => {
    if (dockerd) {
      await docker(dockerd.host, ['rm', '-f', 'load']);
      await dockerd.stop();
    }
    await cleanupDaemon(d);
    await unmountUnder(dir);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('memory within a few MiB, one busy CPU on both', async (t) => {
    const figures: Record<string, { mem: number; limit: number; cpu: number; pids: number }> = {};
    for (const [name, host] of [['dockerd', dockerd.host], ['berthd', d.host]] as const) {
      await ok(docker(host, ['run', '-d', '--name', 'load', '--network', 'none', 'busybox', 'sh', '-c', LOAD]));
      // Until the 48 MiB are written and the CPU has been busy for a while.
      await new Promise((r) => setTimeout(r, 3000));
      const out = await ok(docker(host, ['stats', '--no-stream', '--format', '{{.MemUsage}}|{{.CPUPerc}}|{{.PIDs}}', 'load']));
      const [mem, cpu, pids] = out.trim().split('|') as [string, string, string];
      const [usage, limit] = mem.split(' / ') as [string, string];
      figures[name] = { mem: mib(usage), limit: mib(limit), cpu: Number(cpu.replace('%', '')), pids: Number(pids) };
      await ok(docker(host, ['rm', '-f', 'load']));
    }
    const { dockerd: ref, berthd: got } = figures as Record<'dockerd' | 'berthd', { mem: number; limit: number; cpu: number; pids: number }>;
    const report = JSON.stringify(figures);
    t.diagnostic(report);
    assert.ok(ref.mem >= 47 && got.mem >= 47, `both hold the 48 MiB: ${report}`);
    assert.ok(Math.abs(got.mem - ref.mem) <= 4, `memory figures agree: ${report}`);
    assert.ok(Math.abs(got.limit - ref.limit) / ref.limit < 0.01, `the same limit (the host's memory): ${report}`);
    // One busy loop: ~100% of a CPU, less when the host is loaded; both well above idle.
    assert.ok(ref.cpu > 30 && got.cpu > 30 && got.cpu <= 205, `one CPU busy on both: ${report}`);
    assert.equal(got.pids, ref.pids, report);
  });
});
