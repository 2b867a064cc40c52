import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSpec, type SpecInput } from './generate.js';

const base: SpecInput = {
  rootfs: '/c/rootfs',
  args: ['sh', '-c', 'echo hi'],
  env: ['PATH=/bin', 'HOSTNAME=abc', 'HOME=/root'],
  user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
  tty: false,
  hostname: 'abc123abc123',
  network: { mode: 'none' },
  cgroupsPath: '/berth/abc',
  etcFiles: { hosts: '/c/hosts', resolvConf: '/c/resolv.conf', hostname: '/c/hostname' },
};

describe('generateSpec', () => {
  it('has Docker\'s defaults', () => {
    const s = generateSpec(base);
    assert.equal(s.process.capabilities!.bounding.length, 14);
    assert.deepEqual(s.process.capabilities!.effective, s.process.capabilities!.bounding);
    assert.equal(s.process.capabilities!.inheritable, undefined);
    assert.ok(s.linux.maskedPaths!.includes('/proc/kcore'));
    assert.ok(s.linux.readonlyPaths!.includes('/proc/sys'));
    assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
    assert.equal(s.hostname, 'abc123abc123');
    assert.equal(s.process.cwd, '/');
    assert.equal(s.process.noNewPrivileges, false);
    assert.equal(s.process.oomScoreAdj, 0);
    assert.equal(s.root.readonly, false);
    const dests = s.mounts.map((m) => m.destination);
    assert.deepEqual(dests, ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts']);
    assert.deepEqual(s.mounts.find((m) => m.destination === '/dev/pts')!.options, ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
    assert.ok(s.mounts.find((m) => m.destination === '/sys')!.options!.includes('ro'));
    assert.equal(s.linux.resources!.devices![0]!.allow, false);
    assert.equal(s.linux.sysctl!['net.ipv4.ip_unprivileged_port_start'], '0');
  });
  it('shares the host network without sysctls', () => {
    const s = generateSpec({ ...base, network: { mode: 'host' } });
    assert.ok(!s.linux.namespaces.some((n) => n.type === 'network'));
    assert.equal(s.linux.sysctl, undefined);
  });
  it('joins a given network namespace', () => {
    const s = generateSpec({ ...base, network: { mode: 'path', path: '/run/netns/x' } });
    assert.deepEqual(s.linux.namespaces.at(-1), { type: 'network', path: '/run/netns/x' });
  });
  it('lifts the restrictions of privileged containers', () => {
    const s = generateSpec({ ...base, privileged: true, hostDevices: [{ path: '/dev/loop0', type: 'b', major: 7, minor: 0 }] });
    assert.ok(s.process.capabilities!.bounding.includes('CAP_SYS_MODULE'));
    assert.equal(s.linux.maskedPaths, undefined);
    assert.equal(s.linux.readonlyPaths, undefined);
    assert.ok(!s.mounts.find((m) => m.destination === '/sys')!.options!.includes('ro'));
    assert.deepEqual(s.linux.resources!.devices, [{ allow: true, access: 'rwm' }]);
    assert.equal(s.linux.devices![0]!.path, '/dev/loop0');
  });
  it('sets limits', () => {
    const s = generateSpec({ ...base, resources: { memory: 64 << 20, nanoCpus: 1.5e9, pidsLimit: 50 } });
    assert.deepEqual(s.linux.resources!.memory, { limit: 64 << 20, swap: 128 << 20 });
    assert.deepEqual(s.linux.resources!.cpu, { period: 100000, quota: 150000 });
    assert.deepEqual(s.linux.resources!.pids, { limit: 50 });
  });
  it('orders user mounts parents first and lets them replace defaults', () => {
    const s = generateSpec({
      ...base,
      mounts: [
        { destination: '/a/b', type: 'bind', source: '/x', options: ['rbind', 'rprivate'] },
        { destination: '/a/', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] },
        { destination: '/dev/shm', type: 'bind', source: '/y', options: ['rbind'] },
        { destination: '/etc/hosts', type: 'bind', source: '/mine', options: ['rbind', 'ro'] },
      ],
    });
    const dests = s.mounts.map((m) => m.destination);
    assert.equal(dests.filter((d) => d === '/dev/shm').length, 1);
    assert.ok(dests.indexOf('/a') < dests.indexOf('/a/b'));
    assert.equal(s.mounts.filter((m) => m.destination === '/etc/hosts').length, 1);
    assert.equal(s.mounts.find((m) => m.destination === '/etc/hosts')!.source, '/mine');
  });
  it('runs the init as PID 1 with --init', () => {
    const s = generateSpec({ ...base, init: '/usr/bin/tini-static' });
    assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', 'sh', '-c', 'echo hi']);
    assert.deepEqual(s.mounts.find((m) => m.destination === '/sbin/docker-init'), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini-static', options: ['bind', 'ro'] });
  });
  it('sets the terminal, console size, user and read-only root', () => {
    const s = generateSpec({ ...base, tty: true, consoleSize: { height: 40, width: 120 }, readonlyRootfs: true, user: { uid: 1000, gid: 1000, additionalGids: [10], home: '/home/u' }, cwd: '/srv/', noNewPrivileges: true });
    assert.equal(s.process.terminal, true);
    assert.deepEqual(s.process.consoleSize, { height: 40, width: 120 });
    assert.deepEqual(s.process.user, { uid: 1000, gid: 1000, additionalGids: [10] });
    assert.equal(s.root.readonly, true);
    assert.equal(s.process.cwd, '/srv');
    assert.equal(s.process.noNewPrivileges, true);
    assert.ok(s.mounts.find((m) => m.destination === '/etc/hosts')!.options!.includes('ro'));
  });
});

describe('generateSpec: run options', () => {
  const mount = (s: ReturnType<typeof generateSpec>, dest: string) => s.mounts.find((m) => m.destination === dest);
  it('joins or shares namespaces as --ipc, --pid, --uts and --cgroupns ask', () => {
    const s = generateSpec({
      ...base, domainname: 'ex.com',
      namespaces: { ipc: { mode: 'container', pid: 7, dir: '/d' }, pid: { mode: 'path', path: '/proc/7/ns/pid' }, uts: { mode: 'host' }, cgroup: { mode: 'private' } },
      shmSource: '/d/shm',
    });
    assert.deepEqual(s.linux.namespaces, [
      { type: 'pid', path: '/proc/7/ns/pid' }, { type: 'ipc', path: '/proc/7/ns/ipc' }, { type: 'mount' }, { type: 'network' }, { type: 'cgroup' },
    ]);
    assert.equal(s.hostname, undefined);
    assert.equal(s.domainname, undefined);
    assert.deepEqual(mount(s, '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/d/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] });
    const host = generateSpec({ ...base, namespaces: { ipc: { mode: 'host' }, pid: { mode: 'host' } } });
    assert.deepEqual(host.linux.namespaces.map((n) => n.type), ['uts', 'mount', 'network']);
    assert.equal(mount(host, '/dev/shm')!.source, '/dev/shm');
    const none = generateSpec({ ...base, namespaces: { ipc: { mode: 'none' } } });
    assert.equal(mount(none, '/dev/shm'), undefined);
    assert.ok(none.linux.namespaces.some((n) => n.type === 'ipc' && !n.path));
  });
  it('sets the block I/O weight, the OOM killer, device access, rlimits and annotations', () => {
    const s = generateSpec({
      ...base,
      resources: { memory: 64 << 20, blkioWeight: 300, oomKillDisable: true },
      devices: [{ path: '/dev/f', type: 'c', major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0, access: 'rm' }],
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 20 }],
      annotations: { 'org.example': 'x' },
    });
    assert.deepEqual(s.linux.resources!.blockIO, { weight: 300 });
    assert.equal(s.linux.resources!.memory!.disableOOMKiller, true);
    assert.equal(s.linux.resources!.memory!.limit, 64 << 20);
    assert.deepEqual(s.linux.resources!.devices!.at(-1), { allow: true, type: 'c', major: 10, minor: 229, access: 'rm' });
    assert.deepEqual(s.linux.devices, [{ path: '/dev/f', type: 'c', major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0 }]);
    assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 20 }]);
    assert.deepEqual(s.annotations, { 'org.example': 'x' });
  });
});
