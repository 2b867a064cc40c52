import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDockerfile } from './instructions/parse.js';
import type { ArgCommand } from './instructions/types.js';
import { BuildArgs, platformArgs } from './scope.js';
import { expandWord } from './shell-lex.js';

const platform = platformArgs({ os: 'linux', architecture: 'amd64' });

describe('build-arg and ENV scoping', () => {
  it('meta args are visible in FROM but not in a stage until re-declared', () => {
    const df = parseDockerfile('ARG V=1\nARG IMG=busybox:$V\nFROM $IMG\nARG V\n');
    const b = new BuildArgs({}, df.metaArgs, platform);
    assert.equal(expandWord(df.stages[0]!.baseName, b.fromEnv()).result, 'busybox:1');
    const s = b.stage([]);
    assert.equal(s.getter().get('V'), undefined);
    s.declareArg('V');
    assert.equal(s.getter().get('V'), '1');
  });

  it('user values override defaults; ENV overrides ARG', () => {
    const df = parseDockerfile('ARG A=meta\nFROM x\n');
    const b = new BuildArgs({ A: 'user', B: 'ub' }, df.metaArgs, platform);
    const s = b.stage(['PATH=/bin']);
    s.declareArg('B', 'default');
    assert.equal(s.getter().get('B'), 'ub');
    s.declareArg('C', '${B}-c');
    assert.equal(s.getter().get('C'), 'ub-c');
    s.setEnv('C', 'env');
    assert.equal(s.getter().get('C'), 'env');
    assert.deepEqual(s.runBuildArgs(), ['B=ub']);
    assert.deepEqual(b.unconsumed(), []);
  });

  it('reports unconsumed build args and passes undeclared proxy args only to RUN', () => {
    const b = new BuildArgs({ NOPE: '1', HTTP_PROXY: 'http://p' }, [], platform);
    const s = b.stage(['PATH=/bin']);
    assert.deepEqual(b.unconsumed(), ['NOPE']);
    assert.deepEqual(s.runBuildArgs(), []);
    assert.deepEqual(s.runEnv(), ['PATH=/bin', 'HTTP_PROXY=http://p']);
  });

  it('predefines the platform args in global scope', () => {
    const b = new BuildArgs({}, [], platform);
    assert.equal(b.fromEnv().get('TARGETPLATFORM'), 'linux/amd64');
    assert.equal(b.fromEnv().get('BUILDARCH'), 'amd64');
    const s = b.stage([]);
    s.declareArg('TARGETARCH');
    assert.equal(s.getter().get('TARGETARCH'), 'amd64');
  });

  it('expands ARG defaults with the values before them', () => {
    const df = parseDockerfile('FROM x\nARG A=1 B=${A}2\n');
    const s = new BuildArgs({}, [], platform).stage([]);
    for (const a of (df.stages[0]!.commands[0] as ArgCommand).args) s.declareArg(a.key, a.value);
    assert.equal(s.getter().get('B'), '12');
  });
});
