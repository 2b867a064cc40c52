import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { securitySettings } from './security-opts.js';

const noAppArmor = { apparmor: false };
const parse = (opts: string[], host = noAppArmor) => securitySettings({ SecurityOpt: opts }, host);

describe('securitySettings', () => {
  it('reads no-new-privileges as dockerd does', () => {
    assert.equal(parse([]).noNewPrivileges, false);
    assert.equal(parse(['no-new-privileges']).noNewPrivileges, true);
    assert.equal(parse(['no-new-privileges=true', 'no-new-privileges:false']).noNewPrivileges, false);
    assert.equal(parse(['no-new-privileges=1']).noNewPrivileges, true);
    assert.throws(() => parse(['no-new-privileges=maybe']), /^.*invalid --security-opt 2: "no-new-privileges=maybe"/);
  });
  it('keeps the seccomp choice and checks a profile\'s JSON', () => {
    assert.equal(parse([]).seccomp, undefined);
    assert.equal(parse(['seccomp=unconfined']).seccomp, 'unconfined');
    assert.equal(parse(['seccomp:builtin']).seccomp, 'builtin');
    assert.equal(parse(['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']).seccomp, '{"defaultAction":"SCMP_ACT_ALLOW"}');
    assert.throws(() => parse(['seccomp=/etc/profile.json']), /Decoding seccomp profile failed/);
  });
  it('refuses what this host cannot honour, with a reason', () => {
    assert.equal(parse(['apparmor=unconfined']).apparmorProfile, undefined);
    assert.throws(() => parse(['apparmor=docker-default']), /AppArmor is not enabled on this host/);
    assert.equal(parse(['apparmor=docker-default'], { apparmor: true }).apparmorProfile, 'docker-default');
    assert.doesNotThrow(() => parse(['label=disable', 'label:disable', 'disable']));
    assert.throws(() => parse(['label=level:s0:c100,c200']), /does not apply SELinux labels/);
    assert.throws(() => parse(['writable-cgroups=true']), /not supported/);
    assert.doesNotThrow(() => parse(['writable-cgroups=false']));
  });
  it('uses dockerd\'s wording for malformed and unknown options', () => {
    assert.throws(() => parse(['label']), /invalid --security-opt 1: "label"/);
    assert.throws(() => parse(['unknown=something']), /invalid --security-opt 2: "unknown=something"/);
    assert.throws(() => parse(['systempaths=confined']), /invalid --security-opt 2/);
  });
  it('turns systempaths=unconfined and HostConfig paths into masked/read-only paths', () => {
    assert.deepEqual([parse(['systempaths=unconfined']).maskedPaths, parse(['systempaths=unconfined']).readonlyPaths], [[], []]);
    const s = securitySettings({ MaskedPaths: ['/proc/x'], ReadonlyPaths: [] }, noAppArmor);
    assert.deepEqual([s.maskedPaths, s.readonlyPaths], [['/proc/x'], []]);
    assert.equal(parse([]).maskedPaths, undefined);
  });
});
