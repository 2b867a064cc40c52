import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseBlkioV1, parseIoStatV2, parseNetDev, parseSystemCpu, readUsage } from './cgroup-stats.js';

describe('cgroup stats', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-cgstats-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };

  it('parses /proc/stat, blkio, io.stat and net/dev as dockerd reads them', () => {
    assert.equal(parseSystemCpu('cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 1 1 1 1 1 1\n'), 28 * 10_000_000);
    assert.deepEqual(parseBlkioV1('8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n'), [
      { major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 512 }, { major: 8, minor: 0, op: 'Total', value: 4608 },
    ]);
    assert.deepEqual(parseIoStatV2('259:0 rbytes=10 wbytes=20 rios=1 wios=2\n'), [
      { major: 259, minor: 0, op: 'read', value: 10 }, { major: 259, minor: 0, op: 'write', value: 20 },
    ]);
    const dev = 'Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n'
      + '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n'
      + '  eth0:    1500      10    1    2    0     0          0         0      700       7    3    4    0     0       0          0\n';
    assert.deepEqual(parseNetDev(dev), { eth0: { rx_bytes: 1500, rx_packets: 10, rx_errors: 1, rx_dropped: 2, tx_bytes: 700, tx_packets: 7, tx_errors: 3, tx_dropped: 4 } });
  });

  it('reads a cgroup v1 container, with the host memory as the limit of an unlimited one', async () => {
    put('cg/memory/berth/a/memory.usage_in_bytes', '1048576\n');
    put('cg/memory/berth/a/memory.max_usage_in_bytes', '2097152\n');
    put('cg/memory/berth/a/memory.limit_in_bytes', '9223372036854771712\n');
    put('cg/memory/berth/a/memory.stat', 'cache 4096\ntotal_inactive_file 1024\n');
    put('cg/cpuacct/berth/a/cpuacct.usage', '5000000\n');
    put('cg/cpuacct/berth/a/cpuacct.usage_percpu', '3000000 2000000 \n');
    put('cg/cpuacct/berth/a/cpuacct.stat', 'user 3\nsystem 1\n');
    put('cg/cpu/berth/a/cpu.stat', 'nr_periods 5\nnr_throttled 1\nthrottled_time 99\n');
    put('cg/pids/berth/a/pids.current', '3\n');
    put('cg/pids/berth/a/pids.max', 'max\n');
    put('proc/stat', 'cpu  10 0 10 80 0 0 0 0 0 0\n');
    const u = await readUsage({ cgroupRoot: join(root, 'cg'), cgroupPath: '/berth/a', pid: 0, procRoot: join(root, 'proc'), onlineCpus: 2, hostMemory: 8 * 2 ** 30, withNetworks: false });
    assert.deepEqual(u.cpu, { total: 5_000_000, perCpu: [3_000_000, 2_000_000], kernel: 10_000_000, user: 30_000_000, throttling: { periods: 5, throttledPeriods: 1, throttledTime: 99 } });
    assert.equal(u.systemCpu, 100 * 10_000_000);
    assert.deepEqual(u.memory, { usage: 1048576, maxUsage: 2097152, limit: 8 * 2 ** 30, failcnt: 0, stats: { cache: 4096, total_inactive_file: 1024 } });
    assert.deepEqual(u.pids, { current: 3, limit: undefined });
    assert.equal(u.networks, undefined);
  });

  it('reads a cgroup v2 container under unified/ on a hybrid host', async () => {
    put('v2/unified/berth/b/cgroup.procs', '42\n');
    put('v2/unified/berth/b/memory.current', '4096\n');
    put('v2/unified/berth/b/memory.max', '1048576\n');
    put('v2/unified/berth/b/memory.stat', 'anon 100\ninactive_file 50\n');
    put('v2/unified/berth/b/cpu.stat', 'usage_usec 7\nuser_usec 5\nsystem_usec 2\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n');
    put('v2/unified/berth/b/pids.current', '2\n');
    put('v2/unified/berth/b/pids.max', '100\n');
    put('proc/42/net/dev', 'h1\nh2\n  eth0: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n');
    const u = await readUsage({ cgroupRoot: join(root, 'v2'), cgroupPath: '/berth/b', pid: 42, procRoot: join(root, 'proc'), onlineCpus: 2, hostMemory: 8 * 2 ** 30, withNetworks: true });
    assert.equal(u.cpu.total, 7000);
    assert.equal(u.cpu.perCpu, undefined);
    assert.deepEqual(u.memory, { usage: 4096, limit: 1048576, stats: { anon: 100, inactive_file: 50 } });
    assert.deepEqual(u.pids, { current: 2, limit: 100 });
    assert.equal(u.networks?.eth0?.tx_bytes, 3);
  });
});
