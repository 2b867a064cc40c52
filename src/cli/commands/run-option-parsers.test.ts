import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags } from '../../util/flags.js';
import { ExitError } from '../command.js';
import { buildCreateRequest, createFlags, runOnlyFlags } from './container-options.js';
import { checkNamespaceFlags, exposeError, isNamespacedSysctl, parseDevice, parseSysctls, parseUlimits, validDeviceMode } from './run-option-parsers.js';

function plan(argv: string[], command: 'run' | 'create' = 'run') {
  const { flags, args } = parseFlags(argv, [...createFlags, ...runOnlyFlags], { interspersed: false });
  return buildCreateRequest(flags, args, { detach: false, stdinIsTty: false, caller: { env: {}, resolve: (p) => p }, command });
}

describe('run option parsers', () => {
  it('parses --ulimit as go-units does, later values replacing earlier ones', () => {
    assert.deepEqual(parseUlimits(['nofile=1024:2048', 'nproc=77', 'nofile=10']), [{ Name: 'nofile', Soft: 10, Hard: 10 }, { Name: 'nproc', Soft: 77, Hard: 77 }]);
    assert.equal(parseUlimits([]), undefined);
    assert.deepEqual(parseUlimits(['core=-1']), [{ Name: 'core', Soft: -1, Hard: -1 }]);
    assert.throws(() => parseUlimits(['foo=1']), /invalid argument "foo=1" for "--ulimit" flag: invalid ulimit type: foo/);
    assert.throws(() => parseUlimits(['nofile']), /invalid argument "nofile" for "--ulimit" flag: invalid ulimit argument: nofile/);
    assert.throws(() => parseUlimits(['nofile=2048:1024']), /ulimit soft limit must be less than or equal to hard limit: 2048 > 1024/);
    assert.throws(() => parseUlimits(['nofile=a']), /for "--ulimit" flag: strconv.ParseInt: parsing "a": invalid syntax/);
    assert.throws(() => parseUlimits(['nofile=1:2:3']), /too many limit value arguments - 1:2:3/);
  });
  it('accepts only namespaced sysctls', () => {
    assert.deepEqual(parseSysctls(['kernel.shmmax=1000', 'net.ipv4.ip_forward=1', 'fs.mqueue.msg_max=20']), {
      'kernel.shmmax': '1000', 'net.ipv4.ip_forward': '1', 'fs.mqueue.msg_max': '20',
    });
    assert.equal(parseSysctls([]), undefined);
    for (const bad of ['vm.swappiness=1', 'kernel.hostname=x', 'foo', 'net.ipv4.ip_forward']) {
      assert.throws(() => parseSysctls([bad]), new RegExp(`invalid argument "${bad}" for "--sysctl" flag: sysctl '${bad}' is not allowed`));
    }
    assert.equal(isNamespacedSysctl('kernel.sem'), true);
    assert.equal(isNamespacedSysctl('kernel.domainname'), false);
  });
  it('parses --device HOST[:CONTAINER][:MODE]', () => {
    assert.deepEqual(parseDevice('/dev/fuse'), { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' });
    assert.deepEqual(parseDevice('/dev/fuse:/dev/f:rm'), { PathOnHost: '/dev/fuse', PathInContainer: '/dev/f', CgroupPermissions: 'rm' });
    assert.deepEqual(parseDevice('/dev/fuse:r'), { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'r' });
    assert.deepEqual(parseDevice('/dev/fuse:/dev/x'), { PathOnHost: '/dev/fuse', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' });
    assert.throws(() => parseDevice('/dev/fuse:/dev/f:xyz'), /bad mode specified: xyz/);
    assert.throws(() => parseDevice('/dev/fuse:dev/f'), /dev\/f is not an absolute path/);
    assert.throws(() => parseDevice('a:b:c:d'), /invalid device specification: a:b:c:d/);
    assert.equal(validDeviceMode('rwm'), true);
    assert.equal(validDeviceMode('rr'), false);
    assert.equal(validDeviceMode(''), false);
  });
  it('checks --pid, --uts and --cgroupns as the docker CLI does (--ipc is the daemon\'s)', () => {
    checkNamespaceFlags({ pid: 'host', uts: 'host', cgroupns: 'private' });
    checkNamespaceFlags({ pid: 'container:x', uts: '', cgroupns: 'host' });
    assert.throws(() => checkNamespaceFlags({ pid: 'bogus', uts: '', cgroupns: '' }), /--pid: invalid PID mode/);
    assert.throws(() => checkNamespaceFlags({ pid: 'container:', uts: '', cgroupns: '' }), /--pid: invalid PID mode/);
    assert.throws(() => checkNamespaceFlags({ pid: '', uts: 'x', cgroupns: '' }), /--uts: invalid UTS mode/);
    assert.throws(() => checkNamespaceFlags({ pid: '', uts: '', cgroupns: 'x' }), /--cgroupns: invalid CGROUP mode/);
  });
  it('words --expose errors as docker does', () => {
    assert.equal(exposeError('abc', new Error('x')).message, 'invalid range format for --expose: abc, error: strconv.ParseUint: parsing "abc": invalid syntax');
  });
  it('puts the options in HostConfig as the docker CLI sends them', () => {
    const h = plan([
      '--ulimit', 'nofile=10:20', '--sysctl', 'kernel.shmmax=1', '--device', '/dev/fuse:/dev/f:rwm', '--ipc', 'shareable', '--pid', 'host',
      '--uts', 'host', '--cgroupns', 'private', '--blkio-weight', '300', '--oom-kill-disable', '--cgroup-parent', 'p/q', '--isolation', 'default',
      '--platform', 'linux/amd64', 'busybox',
    ]);
    const hc = h.body.HostConfig!;
    assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Soft: 10, Hard: 20 }]);
    assert.deepEqual(hc.Sysctls, { 'kernel.shmmax': '1' });
    assert.deepEqual(hc.Devices, [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/f', CgroupPermissions: 'rwm' }]);
    assert.equal(hc.IpcMode, 'shareable');
    assert.equal(hc.PidMode, 'host');
    assert.equal(hc.UTSMode, 'host');
    assert.equal(hc.CgroupnsMode, 'private');
    assert.equal(hc.BlkioWeight, 300);
    assert.equal(hc.OomKillDisable, true);
    assert.equal(hc.CgroupParent, 'p/q');
    assert.equal(hc.Isolation, 'default');
    assert.equal(h.platform, 'linux/amd64');
    assert.equal(hc.Annotations, undefined);
    const plain = plan(['busybox']).body.HostConfig!;
    assert.deepEqual(plain.Ulimits, []);
    assert.equal(plain.OomKillDisable, false);
    assert.equal(plain.IpcMode, '');
  });
  it('prints option errors as `berth: …` with the command\'s help line (exit 125); --annotation needs API 1.43', () => {
    assert.throws(() => plan(['--pid', 'bogus', 'busybox'], 'create'), (e: unknown) => {
      assert.ok(e instanceof ExitError);
      assert.equal(e.status, 125);
      assert.equal(e.message, "berth: --pid: invalid PID mode\n\nRun 'berth create --help' for more information");
      return true;
    });
    assert.throws(() => plan(['--annotation', 'a=b', 'busybox']), (e: unknown) => {
      assert.ok(e instanceof ExitError);
      assert.equal(e.status, 1);
      assert.match(e.message, /"--annotation" requires API version 1.43, but the Berth daemon API version is 1.41/);
      return true;
    });
  });
});
