import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CAPABILITIES } from './defaults.js';
import { effectiveCapabilities } from './capabilities.js';

describe('effectiveCapabilities', () => {
  it('is Docker\'s default set without changes', () => {
    assert.deepEqual(effectiveCapabilities({}), [...DEFAULT_CAPABILITIES]);
    assert.equal(DEFAULT_CAPABILITIES.length, 14);
  });
  it('adds and drops, with or without CAP_, any case', () => {
    const caps = effectiveCapabilities({ add: ['sys_admin', 'CAP_NET_ADMIN'], drop: ['chown', 'CAP_KILL'] });
    assert.ok(caps.includes('CAP_SYS_ADMIN') && caps.includes('CAP_NET_ADMIN'));
    assert.ok(!caps.includes('CAP_CHOWN') && !caps.includes('CAP_KILL'));
  });
  it('handles ALL on either side', () => {
    assert.deepEqual(effectiveCapabilities({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] }), ['CAP_NET_BIND_SERVICE']);
    const all = effectiveCapabilities({ add: ['all'], drop: ['SYS_MODULE'] });
    assert.ok(all.includes('CAP_SYS_ADMIN') && !all.includes('CAP_SYS_MODULE'));
  });
  it('gives everything the kernel knows to privileged containers', () => {
    assert.equal(effectiveCapabilities({ privileged: true, lastCap: 37 }).length, 38);
    assert.ok(effectiveCapabilities({ privileged: true }).includes('CAP_SYS_MODULE'));
  });
  it('leaves out what the host\'s bounding set lacks', () => {
    const caps = effectiveCapabilities({ privileged: true, lastCap: 40, bounding: 0x1fffeffffffn });
    assert.equal(caps.length, 40);
    assert.ok(!caps.includes('CAP_SYS_RESOURCE'));
  });
  it('rejects unknown names with Docker\'s message', () => {
    assert.throws(() => effectiveCapabilities({ add: ['FOO'] }), /invalid CapAdd: unknown capability: "CAP_FOO"/);
  });
});
