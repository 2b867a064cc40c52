import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostConfigWire } from '../../api/types/containers.js';
import { InvalidArgument, NotFound, SystemError } from '../../errdefs/index.js';
import { checkImagePlatform, checkRunOptions, createWarnings, namespaceSettings, parseCpuList } from './run-options.js';
import type { ContainerRecord } from './record.js';

const check = (h: HostConfigWire, extra: Record<string, unknown> = {}) => checkRunOptions({ Image: 'busybox', HostConfig: h, ...extra }, 2);

describe('run options (dockerd checks)', () => {
  it('refuses what dockerd refuses, with its words', () => {
    const cases: [HostConfigWire, RegExp, typeof InvalidArgument | typeof SystemError][] = [
      [{ IpcMode: 'bogus' }, /^Invalid IPC mode: bogus$/, InvalidArgument],
      [{ PidMode: 'bogus' }, /^Invalid PID mode: bogus$/, InvalidArgument],
      [{ UTSMode: 'bogus' }, /^Invalid UTS mode: bogus$/, InvalidArgument],
      [{ CgroupnsMode: 'bogus' }, /^invalid cgroup namespace mode: bogus$/, InvalidArgument],
      [{ Isolation: 'hyperv' }, /^Invalid isolation: "hyperv" - linux only supports 'default'$/, InvalidArgument],
      [{ OomScoreAdj: 1001 }, /^Invalid value 1001, range for oom score adj is \[-1000, 1000\]$/, InvalidArgument],
      [{ MemorySwap: 1 << 30 }, /^You should always set the Memory limit when using Memoryswap limit, see usage$/, InvalidArgument],
      [{ MemoryReservation: 1000 }, /^Minimum memory reservation allowed is 6MB$/, InvalidArgument],
      [{ CpuPeriod: 500 }, /^CPU cfs period can not be less than 1ms/, InvalidArgument],
      [{ CpuQuota: 500 }, /^CPU cfs quota can not be less than 1ms \(i.e. 1000\)$/, InvalidArgument],
      [{ CpusetCpus: '99' }, /^Requested CPUs are not available - requested 99, available: 0-1$/, InvalidArgument],
      [{ CpusetCpus: 'abc' }, /^Invalid value abc for cpuset cpus: invalid format: abc$/, InvalidArgument],
    ];
    for (const [h, re, cls] of cases) {
      assert.throws(() => check(h), (e: unknown) => e instanceof cls && re.test((e as Error).message), JSON.stringify(h));
    }
    assert.throws(() => check({ UTSMode: 'host' }, { Hostname: 'x' }), /conflicting options: hostname and the UTS mode/);
    check({ IpcMode: 'none', PidMode: 'container:x', UTSMode: 'host', CgroupnsMode: 'private', Isolation: 'Default', OomScoreAdj: -1000, CpusetCpus: '0-1', CpuPeriod: 50000 });
  });
  it('parses CPU lists', () => {
    assert.deepEqual(parseCpuList('0-2,5'), [0, 1, 2, 5]);
    assert.equal(parseCpuList('2-1'), undefined);
    assert.equal(parseCpuList('a'), undefined);
  });
  it('warns and discards a block I/O weight the kernel cannot apply; warns of an OOM killer off without a limit', () => {
    const h: HostConfigWire = { BlkioWeight: 5, OomKillDisable: true };
    assert.deepEqual(createWarnings(h, { blkioWeight: false }), [
      'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.',
      'OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.',
    ]);
    assert.equal(h.BlkioWeight, 0);
    assert.throws(() => createWarnings({ BlkioWeight: 5 }, { blkioWeight: true }), /Range of blkio weight is from 10 to 1000/);
    assert.deepEqual(createWarnings({ BlkioWeight: 500, OomKillDisable: true, Memory: 1 << 26 }, { blkioWeight: true }), []);
  });
  it('answers 404 for a local image of another platform', () => {
    checkImagePlatform('busybox', undefined, { os: 'linux', architecture: 'arm' });
    checkImagePlatform('busybox', 'linux/amd64', { os: 'linux', architecture: 'amd64' });
    assert.throws(() => checkImagePlatform('busybox', 'linux/arm64', { os: 'linux', architecture: 'amd64' }), (e: unknown) =>
      e instanceof NotFound && e.message === 'image with reference busybox was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64');
  });
  it('joins another container\'s namespaces only while it runs, and its IPC only when shareable', () => {
    const donor = (mode: string, running = true) => ({
      ID: 'd'.repeat(64), HostConfig: { IpcMode: mode }, State: { Running: running, Pid: running ? 42 : 0 },
    }) as unknown as ContainerRecord;
    const donors = (rec: ContainerRecord | undefined) => ({ find: () => rec, dirOf: (id: string) => `/data/containers/${id}` });
    assert.deepEqual(namespaceSettings({ IpcMode: 'container:d', PidMode: 'container:d' }, donors(donor('shareable'))), {
      ipc: { mode: 'container', pid: 42, dir: `/data/containers/${'d'.repeat(64)}` }, pid: { mode: 'path', path: '/proc/42/ns/pid' },
    });
    assert.deepEqual(namespaceSettings({ IpcMode: 'host', PidMode: 'host', UTSMode: 'host', CgroupnsMode: 'private' }, donors(undefined)), {
      ipc: { mode: 'host' }, pid: { mode: 'host' }, uts: { mode: 'host' }, cgroup: { mode: 'private' },
    });
    assert.deepEqual(namespaceSettings({ IpcMode: 'shareable' }, donors(undefined)), { ipc: { mode: 'shareable' } });
    assert.deepEqual(namespaceSettings({}, donors(undefined)), {});
    assert.throws(() => namespaceSettings({ IpcMode: 'container:d' }, donors(donor('private'))), /non-shareable IPC \(hint: use IpcMode:shareable for the donor container\)/);
    assert.throws(() => namespaceSettings({ PidMode: 'container:d' }, donors(donor('shareable', false))), (e: unknown) => e instanceof SystemError && e.message === `container ${'d'.repeat(64)} is not running`);
    assert.throws(() => namespaceSettings({ IpcMode: 'container:d' }, donors(donor('shareable', false))), /can't join IPC of container d+: container d+ is not running/);
    assert.throws(() => namespaceSettings({ PidMode: 'container:x' }, donors(undefined)), /No such container: x/);
  });
});
