/**
 * Container stats through a real berthd: GET /containers/{id}/stats (one-shot, stream=false
 * with a CPU figure, a stream), figures that agree with the container's cgroup files under a
 * known memory and CPU load, `berth stats --no-stream` and the docker CLI's `docker stats
 * --no-stream` against berthd.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { ContainerStatsWire } from '../src/api/types/containers.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';

function get(d: TestDaemon, path: string): Promise<{ status: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, lines: body.split('\n').filter(Boolean) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The first `n` messages of a stats stream, then the connection is closed. */
function firstMessages(d: TestDaemon, path: string, n: number): Promise<ContainerStatsWire[]> {
  return new Promise((resolve, reject) => {
    const got: ContainerStatsWire[] = [];
    const req = request({ socketPath: d.socket, path, method: 'GET' }, (res) => {
      let pending = '';
      res.on('data', (c) => {
        pending += c;
        let i: number;
        while ((i = pending.indexOf('\n')) >= 0) {
          got.push(JSON.parse(pending.slice(0, i)));
          pending = pending.slice(i + 1);
          if (got.length === n) {
            req.destroy();
            resolve(got);
          }
        }
      });
    });
    req.on('error', (e) => (got.length === n ? undefined : reject(e)));
    req.end();
  });
}

describe('container stats', { timeout: 120_000 }, () => {
  let d: TestDaemon;
  let busy: string;
  let idle: string;

  before(async () => {
    d = await daemonWithBusybox();
    // 64 MiB held in a tmpfs file (charged to the container's memory) and one CPU kept busy.
    busy = (await ok(d.berth(['run', '-d', '--network', 'none', '--tmpfs', '/fill', '-m', '512m', 'busybox', 'sh', '-c',
      'dd if=/dev/zero of=/fill/x bs=1M count=64 2>/dev/null; while :; do :; done']))).trim();
    idle = (await ok(d.berth(['create', '--network', 'none', '--name', 'idle', 'busybox', 'true']))).trim();
  });

  after(async () => {
    await cleanupDaemon(d);
  });

  it('answers one-shot at once, and stream=false with the CPU change over a second', async () => {
    const one = await get(d, `/containers/${busy}/stats?stream=0&one-shot=1`);
    assert.equal(one.status, 200);
    assert.equal(one.lines.length, 1);
    const s1 = JSON.parse(one.lines[0]!) as ContainerStatsWire;
    assert.equal(s1.id, busy);
    assert.equal(s1.precpu_stats.cpu_usage.total_usage, 0, 'one-shot has no previous sample');
    assert.equal(s1.preread, '0001-01-01T00:00:00Z');
    const cpuacct = () => Number(readFileSync(`/sys/fs/cgroup/cpuacct/berth/${busy}/cpuacct.usage`, 'utf8'));
    const before = cpuacct();
    const two = await get(d, `/containers/${busy}/stats?stream=false`);
    const afterwards = cpuacct();
    const s2 = JSON.parse(two.lines[0]!) as ContainerStatsWire;
    const cpuDelta = s2.cpu_stats.cpu_usage.total_usage - s2.precpu_stats.cpu_usage.total_usage;
    const sysDelta = s2.cpu_stats.system_cpu_usage! - s2.precpu_stats.system_cpu_usage!;
    assert.ok(cpuDelta > 0 && sysDelta > 0, 'two samples a second apart');
    const pct = (cpuDelta / sysDelta) * s2.cpu_stats.online_cpus! * 100;
    // The machine may be busy with other work: the loop gets some CPU, never more than all of them.
    assert.ok(pct > 1 && pct <= 100 * s2.cpu_stats.online_cpus! + 5, `a busy loop shows CPU use (got ${pct.toFixed(1)}%)`);
    assert.ok(s2.precpu_stats.cpu_usage.total_usage >= before && s2.cpu_stats.cpu_usage.total_usage <= afterwards, 'both samples are cpuacct.usage readings');
    assert.equal(s2.pids_stats.current, 1, 'sh alone (the loop is a builtin)');
  });

  it('reports the memory and pids of the cgroup files', async () => {
    const s = JSON.parse((await get(d, `/containers/${busy}/stats?stream=0&one-shot=1`)).lines[0]!) as ContainerStatsWire;
    const cg = `/sys/fs/cgroup/memory/berth/${busy}`;
    const usage = Number(readFileSync(`${cg}/memory.usage_in_bytes`, 'utf8'));
    assert.ok(s.memory_stats.usage! >= 64 << 20, `64 MiB in tmpfs is charged (usage ${s.memory_stats.usage})`);
    assert.ok(Math.abs(s.memory_stats.usage! - usage) < 8 << 20, 'usage agrees with memory.usage_in_bytes');
    assert.equal(s.memory_stats.limit, 512 << 20);
    assert.equal(typeof s.memory_stats.stats!.cache, 'number');
    assert.equal(s.networks, undefined, 'no network counters for --network none');
  });

  it('streams a message a second, each with the previous one as precpu', async () => {
    const [a, b] = await firstMessages(d, `/containers/${busy}/stats`, 2);
    assert.equal(a!.precpu_stats.cpu_usage.total_usage, 0);
    assert.equal(b!.precpu_stats.cpu_usage.total_usage, a!.cpu_stats.cpu_usage.total_usage);
    assert.equal(b!.preread, a!.read);
  });

  it('counts the network of a container on the default bridge', async () => {
    const id = (await ok(d.berth(['run', '-d', 'busybox', 'sleep', '60']))).trim();
    const s = JSON.parse((await get(d, `/containers/${id}/stats?stream=0&one-shot=1`)).lines[0]!) as ContainerStatsWire;
    assert.ok(s.networks?.eth0, `eth0 in ${JSON.stringify(s.networks)}`);
    assert.equal(s.networks.lo, undefined);
    assert.equal(typeof s.networks.eth0.rx_bytes, 'number');
    await ok(d.berth(['rm', '-f', id]));
  });

  it('gives an empty message for a container that is not running, and 404 for none', async () => {
    const r = await get(d, `/containers/${idle}/stats?stream=0`);
    const s = JSON.parse(r.lines[0]!) as ContainerStatsWire;
    assert.equal(s.name, '/idle');
    assert.equal(s.read, '0001-01-01T00:00:00Z');
    assert.deepEqual(s.memory_stats, {});
    assert.equal((await get(d, '/containers/nosuch/stats?stream=0')).status, 404);
  });

  it('berth stats --no-stream prints docker\'s table', async () => {
    const out = await ok(d.berth(['stats', '--no-stream', busy.slice(0, 12), 'idle']));
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0]!, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    assert.match(lines[1]!, new RegExp(`^${busy.slice(0, 12)}\\s+\\S+\\s+\\d+\\.\\d\\d%\\s+\\d+(\\.\\d+)?MiB / 512MiB\\s+\\d+\\.\\d\\d%\\s+0B / 0B\\s+\\S+ / \\S+\\s+1$`));
    assert.match(lines[2]!, /^\w{12}\s+idle\s+0\.00%\s+0B \/ 0B\s+0\.00%\s+0B \/ 0B\s+0B \/ 0B\s+0$/);
    const custom = await ok(d.berth(['stats', '--no-stream', '--format', '{{.Name}}: {{.PIDs}}', 'idle']));
    assert.equal(custom, 'idle: 0\n');
  });

  it('the docker CLI reads it: docker stats --no-stream', { skip: !hasDocker && 'no docker CLI' }, async () => {
    const r = await d.docker(['stats', '--no-stream', '--format', '{{.ID}} {{.MemUsage}} {{.PIDs}}', busy]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${busy.slice(0, 12)} \\d+(\\.\\d+)?MiB / 512MiB 1\\n$`));
  });
});
