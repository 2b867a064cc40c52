import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StageState } from '../solver/state.js';
import { applyMetadata, validSignal, type MetadataOp } from './metadata.js';
import type { InstructionOf, StageVars } from './types.js';

const vars = (): StageVars => ({
  expand: (ins) => ({ ins, args: [] }),
  declareArg: () => {},
  setEnv: () => {},
  runBuildArgs: () => [],
  runEnv: (env) => [...env],
});

function state(config?: Record<string, unknown>): StageState {
  return new StageState(0, undefined, { id: '', config: config ? ({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config } as never) : undefined }, vars);
}

const ins = <K extends MetadataOp>(op: K, rest: Omit<InstructionOf<K>, 'op' | 'text' | 'line'>): InstructionOf<K> =>
  ({ op, text: op, line: 1, ...rest }) as InstructionOf<K>;

describe('config-only instructions', () => {
  it('record the comments Docker writes and change the config as Docker does', () => {
    const s = state({ Env: ['PATH=/bin', 'A=0'], Cmd: ['sh'] });
    assert.deepEqual(s.runConfig.Env, ['PATH=/bin', 'A=0'], 'the base PATH is kept');
    assert.equal(applyMetadata(s, ins('ENV', { pairs: [{ key: 'A', value: 'changed' }, { key: 'N', value: '0' }] })).comment, 'ENV A=changed N=0');
    assert.deepEqual(s.runConfig.Env, ['PATH=/bin', 'A=changed', 'N=0'], 'replaced in place');
    assert.equal(applyMetadata(s, ins('LABEL', { pairs: [{ key: 'a b', value: 'c d' }] })).comment, 'LABEL a b=c d');
    assert.equal(applyMetadata(s, ins('EXPOSE', { ports: ['80/tcp', '90-91'], keys: ['80/tcp', '90/tcp', '91/tcp'] })).comment, 'EXPOSE 80/tcp 90-91');
    assert.deepEqual(Object.keys(s.runConfig.ExposedPorts!), ['80/tcp', '90/tcp', '91/tcp']);
    assert.equal(applyMetadata(s, ins('VOLUME', { volumes: ['/data', '/x'] })).comment, 'VOLUME [/data /x]');
    assert.equal(applyMetadata(s, ins('SHELL', { shell: ['/bin/sh', '-ec'] })).comment, 'SHELL [/bin/sh -ec]');
    assert.equal(applyMetadata(s, ins('CMD', { prependShell: true, cmdLine: ['echo hi'] })).comment, 'CMD ["/bin/sh" "-ec" "echo hi"]');
    // ENTRYPOINT keeps a CMD set in the same stage…
    applyMetadata(s, ins('ENTRYPOINT', { prependShell: false, cmdLine: ['/bin/echo'] }));
    assert.deepEqual(s.runConfig.Cmd, ['/bin/sh', '-ec', 'echo hi']);
    // …but clears one inherited from the base image.
    const t = state({ Cmd: ['sh'] });
    assert.equal(applyMetadata(t, ins('ENTRYPOINT', { prependShell: false, cmdLine: ['cat', '/x'] })).comment, 'ENTRYPOINT ["cat" "/x"]');
    assert.equal(t.runConfig.Cmd, null);
    assert.deepEqual(t.runConfig.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], 'a default PATH when the base has none');
    assert.equal(applyMetadata(t, ins('ONBUILD', { expression: 'RUN echo  hi' })).comment, 'ONBUILD RUN echo  hi');
    assert.equal(applyMetadata(t, ins('ARG', { args: [{ key: 'A', value: '1' }, { key: 'B' }] })).comment, 'ARG A=1 B');
    assert.equal(applyMetadata(t, ins('MAINTAINER', { maintainer: 'me <me@x>' })).comment, 'MAINTAINER me <me@x>');
    assert.equal(t.maintainer, 'me <me@x>');
  });

  it('HEALTHCHECK records the instruction but inherits unset values in the config', () => {
    const s = state();
    const first = applyMetadata(s, ins('HEALTHCHECK', { test: ['CMD-SHELL', 'true'], interval: 5e9, retries: 3 }));
    assert.equal(first.comment, `HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" '\\x03'}`);
    const second = applyMetadata(s, ins('HEALTHCHECK', { test: ['CMD-SHELL', 'false'], timeout: 2e9 }));
    assert.equal(second.comment, `HEALTHCHECK &{["CMD-SHELL" "false"] "0s" "2s" "0s" '\\x00'}`);
    assert.deepEqual(second.notes, ['Note: overriding previous HEALTHCHECK: [CMD-SHELL true]\n']);
    assert.deepEqual(s.runConfig.Healthcheck, { Test: ['CMD-SHELL', 'false'], Interval: 5e9, Timeout: 2e9, Retries: 3 });
  });

  it('checks STOPSIGNAL and VOLUME as Docker does', () => {
    assert.ok(validSignal('SIGKILL') && validSignal('kill') && validSignal('9') && validSignal('SIGRTMIN+3'));
    assert.ok(!validSignal('SIGFOO') && !validSignal('0'));
    assert.throws(() => applyMetadata(state(), ins('STOPSIGNAL', { signal: 'SIGFOO' })), /^InvalidArgument: Invalid signal: SIGFOO$/);
    assert.throws(() => applyMetadata(state(), ins('VOLUME', { volumes: [''] })), /VOLUME specified can not be an empty string/);
  });
});
