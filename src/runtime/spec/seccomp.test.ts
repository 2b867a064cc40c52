import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CAPABILITIES } from './defaults.js';
import { generateSpec, type SpecInput } from './generate.js';
import { CLONE_NAMESPACE_FLAGS, defaultSeccompProfile } from './seccomp-default.js';
import { hostSeccompArch, parseSeccompProfile, translateSeccomp, type DockerSeccompProfile } from './seccomp.js';
import type { OciSeccomp } from './oci.js';

const amd64 = { arch: 'amd64', kernel: '6.1.0-18-amd64' };

/** Every name a filter allows unconditionally (no argument checks). */
function allowed(s: OciSeccomp): Set<string> {
  return new Set(s.syscalls!.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args?.length).flatMap((r) => r.names));
}

describe('default seccomp profile', () => {
  it('denies with EPERM by default and maps amd64 to its sub-architectures', () => {
    const s = translateSeccomp(defaultSeccompProfile(), { caps: DEFAULT_CAPABILITIES, ...amd64 })!;
    assert.equal(s.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(s.defaultErrnoRet, 1);
    assert.deepEqual(s.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const a = translateSeccomp(defaultSeccompProfile(), { caps: DEFAULT_CAPABILITIES, arch: 'arm64', kernel: '6.1' })!;
    assert.deepEqual(a.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  });

  it('keeps keyctl, add_key, unshare and mount out for the default capabilities', () => {
    const s = translateSeccomp(defaultSeccompProfile(), { caps: DEFAULT_CAPABILITIES, ...amd64 })!;
    const ok = allowed(s);
    for (const n of ['keyctl', 'add_key', 'request_key', 'unshare', 'mount', 'setns', 'bpf', 'reboot', 'clock_settime', 'kexec_load']) {
      assert.ok(!ok.has(n), `${n} must not be allowed`);
    }
    for (const n of ['read', 'write', 'execve', 'chroot', 'arch_prctl', 'ptrace', 'modify_ldt']) assert.ok(ok.has(n), `${n} must be allowed`);
    // Arch-specific rules of other architectures are left out.
    assert.ok(!ok.has('s390_runtime_instr') && !ok.has('cacheflush') && !ok.has('riscv_flush_icache'));
    // personality only with Docker's five values, clone only without namespace flags.
    const pers = s.syscalls!.filter((r) => r.names.includes('personality'));
    assert.deepEqual(pers.map((r) => r.args![0]!.value), [0, 8, 0x20000, 0x20008, 0xffffffff]);
    const clone = s.syscalls!.filter((r) => r.names.includes('clone'));
    assert.equal(clone.length, 1);
    assert.deepEqual(clone[0]!.args, [{ index: 0, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }]);
    // clone3 answers ENOSYS so that libc falls back to clone.
    assert.deepEqual(s.syscalls!.find((r) => r.names.includes('clone3')), { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });

  it('allows what a capability grants (includes) and drops the rules it replaces (excludes)', () => {
    const caps = [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_SYS_TIME'];
    const s = translateSeccomp(defaultSeccompProfile(), { caps, ...amd64 })!;
    const ok = allowed(s);
    for (const n of ['unshare', 'mount', 'setns', 'clone', 'clone3', 'clock_settime', 'settimeofday']) assert.ok(ok.has(n), n);
    assert.ok(!s.syscalls!.some((r) => r.action === 'SCMP_ACT_ERRNO'), 'the clone3 ENOSYS rule is excluded with CAP_SYS_ADMIN');
    assert.ok(!s.syscalls!.some((r) => r.names.includes('clone') && r.args), 'the masked clone rule is excluded with CAP_SYS_ADMIN');
    assert.ok(!ok.has('reboot') && !ok.has('keyctl'));
    const dropped = translateSeccomp(defaultSeccompProfile(), { caps: DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_SYS_CHROOT'), ...amd64 })!;
    assert.ok(!allowed(dropped).has('chroot'));
  });

  it('evaluates arches, every listed capability and minKernel as Docker does', () => {
    const p: DockerSeccompProfile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        { name: 'a', action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_X', 'CAP_Y'] } },
        { names: ['b'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_Z', 'CAP_X'] } },
        { names: ['c'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '6.2' } },
        { names: ['d'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '6.2' } },
        { names: ['e'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } },
        { names: ['f'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
      ],
    };
    const names = (caps: string[], kernel: string) => translateSeccomp(p, { caps, arch: 'amd64', kernel })!.syscalls!.map((r) => r.names[0]);
    assert.deepEqual(names(['CAP_X'], '6.1.0'), ['d', 'f']);
    assert.deepEqual(names(['CAP_X', 'CAP_Y'], '6.2.0-rc1'), ['a', 'c', 'f']);
    assert.deepEqual(names([], '10.0'), ['b', 'c', 'f']);
    assert.deepEqual(translateSeccomp(p, { caps: [], ...amd64 })!.architectures, ['SCMP_ARCH_X86_64']);
  });

  it('refuses ambiguous profiles and passes an empty one as no filter', () => {
    assert.equal(translateSeccomp({ defaultAction: '' }, { caps: [] }), undefined);
    assert.throws(() => translateSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64' }] }, { caps: [] }), /both 'architectures' and 'archMap'/);
    assert.throws(() => translateSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ALLOW' }] }, { caps: [] }), /both 'name' and 'names'/);
    assert.throws(() => translateSeccomp({ defaultAction: 'X', syscalls: [{ names: ['a'], action: 'X', includes: { minKernel: '4' } }] }, { caps: [] }), /invalid kernel version/);
  });

  it('parses JSON with Docker\'s error prefix', () => {
    assert.throws(() => parseSeccompProfile('{nope'), /^InvalidArgument: Decoding seccomp profile failed|Decoding seccomp profile failed/);
    assert.throws(() => parseSeccompProfile('{"syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]}'), /Decoding seccomp profile failed: syscalls\[0\]/);
    assert.throws(() => parseSeccompProfile('[]'), /Decoding seccomp profile failed/);
    const p = parseSeccompProfile(JSON.stringify(defaultSeccompProfile()));
    assert.equal(p.syscalls!.length, defaultSeccompProfile().syscalls!.length);
  });

  it('knows this host\'s architecture name', () => {
    assert.equal(hostSeccompArch('x64'), 'amd64');
    assert.equal(hostSeccompArch('arm64'), 'arm64');
  });
});

describe('generateSpec seccomp', () => {
  const base: SpecInput = {
    rootfs: '/c/rootfs', args: ['true'], env: [], user: { uid: 0, gid: 0, additionalGids: [], home: '/root' }, tty: false,
    hostname: 'h', network: { mode: 'none' }, cgroupsPath: '/berth/x',
  };
  it('applies the default profile, none when unconfined or privileged, a given one even when privileged', () => {
    assert.equal(generateSpec(base).linux.seccomp!.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(generateSpec({ ...base, seccomp: 'builtin' }).linux.seccomp!.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(generateSpec({ ...base, seccomp: 'unconfined' }).linux.seccomp, undefined);
    assert.equal(generateSpec({ ...base, privileged: true }).linux.seccomp, undefined);
    const custom = JSON.stringify({ defaultAction: 'SCMP_ACT_LOG', syscalls: [] });
    assert.deepEqual(generateSpec({ ...base, privileged: true, seccomp: custom }).linux.seccomp, { defaultAction: 'SCMP_ACT_LOG', syscalls: [] });
  });
  it('follows --cap-add into the filter', () => {
    const ok = allowed(generateSpec({ ...base, capAdd: ['SYS_ADMIN'] }).linux.seccomp!);
    assert.ok(ok.has('unshare') && ok.has('mount'));
  });
  it('replaces masked and read-only paths when asked', () => {
    const s = generateSpec({ ...base, maskedPaths: [], readonlyPaths: [] });
    assert.deepEqual([s.linux.maskedPaths, s.linux.readonlyPaths], [[], []]);
  });
});
