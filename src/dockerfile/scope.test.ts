import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocationError } from '../errdefs/index.js';
import { expandCommand } from './expand.js';
import type { Command } from './instructions/types.js';
import { BuildArgScope, platformArgs, type StageScope } from './scope.js';
import { parseDockerfile } from './stages.js';

/** Steps a one-stage Dockerfile through the scope the way the builder does. */
function run(text: string, buildArgs: Record<string, string> = {}, imageEnv: string[] = []) {
  const df = parseDockerfile(text);
  const g = new BuildArgScope({ buildArgs, predefined: platformArgs({ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: 'amd64' }), escapeToken: df.escapeToken });
  g.addMetaArgs(df.metaArgs);
  const stage = df.stages[0]!;
  const from = expandCommand(stage.from, g.fromEnv()).command;
  const s = g.stage(imageEnv);
  const steps: { cmd: Command; used: Set<string> }[] = [];
  for (const c of stage.commands) {
    const { command, used } = expandCommand(c, s.getter(), { escapeToken: df.escapeToken });
    s.apply(command);
    steps.push({ cmd: command, used });
  }
  return { g, s, from, steps };
}

function value(s: StageScope, name: string): string | undefined {
  return s.getter().get(name);
}

describe('build-arg and ENV scoping', () => {
  it('a meta ARG is usable in FROM only, unless re-declared without a value', () => {
    const { from, s } = run('ARG TAG=3.19\nARG OTHER=x\nFROM alpine:$TAG\nARG TAG\nWORKDIR /$OTHER\n');
    assert.equal(from.kind === 'FROM' && from.image, 'alpine:3.19');
    assert.equal(value(s, 'TAG'), '3.19');
    assert.equal(value(s, 'OTHER'), undefined);
  });

  it('build args override defaults, meta and stage', () => {
    const { from, s, g } = run('ARG TAG=1\nFROM a:$TAG\nARG X=def\nARG TAG\n', { TAG: '2', X: 'given', UNUSED: 'u' });
    assert.equal(from.kind === 'FROM' && from.image, 'a:2');
    assert.deepEqual([value(s, 'X'), value(s, 'TAG')], ['given', '2']);
    assert.deepEqual(g.unusedBuildArgs(), ['UNUSED']);
  });

  it('ENV overrides an ARG of the same name, before and after it', () => {
    const { s } = run('FROM a\nARG V=arg\nENV V=env\nARG W=arg2\n', { W: 'cli' });
    assert.equal(value(s, 'V'), 'env');
    assert.deepEqual(s.runBuildArgs(), ['W=cli']);
    const after = run('FROM a\nENV V=env\nARG V=arg\n').s;
    assert.equal(value(after, 'V'), 'env');
  });

  it('ENV A=changed N=$A gives N the old value; ENV replaces in place', () => {
    const { s } = run('FROM a\nENV A=one\nENV A=changed N=$A\n', {}, ['PATH=/usr/bin', 'A=base']);
    assert.deepEqual(s.env(), ['PATH=/usr/bin', 'A=changed', 'N=one']);
  });

  it('ENV PATH=/x:$PATH uses the base image value', () => {
    const { s } = run('FROM a\nENV PATH=/x:$PATH\n', {}, ['PATH=/usr/local/bin:/usr/bin']);
    assert.deepEqual(s.env(), ['PATH=/x:/usr/local/bin:/usr/bin']);
  });

  it('predefined platform args are global; a stage sees them when it declares them', () => {
    const { from, s } = run('FROM --platform=$BUILDPLATFORM golang AS b\nARG TARGETOS TARGETARCH\nARG TARGETVARIANT\nRUN echo\n');
    assert.equal(from.kind === 'FROM' && from.platform, 'linux/amd64');
    assert.deepEqual([value(s, 'TARGETOS'), value(s, 'TARGETARCH'), value(s, 'TARGETVARIANT'), value(s, 'BUILDOS')], ['linux', 'arm64', 'v8', undefined]);
    assert.deepEqual(s.runBuildArgs(), ['TARGETARCH=arm64', 'TARGETOS=linux', 'TARGETVARIANT=v8']);
  });

  it('proxy args work undeclared but stay out of history unless declared', () => {
    const proxies = { HTTP_PROXY: 'http://p:3128', no_proxy: 'localhost' };
    const { s, steps } = run('FROM a\nENV X=$HTTP_PROXY\nARG V=1\n', proxies);
    assert.equal(value(s, 'X'), 'http://p:3128');
    assert.deepEqual(s.runEnv(), ['X=http://p:3128', 'HTTP_PROXY=http://p:3128', 'V=1', 'no_proxy=localhost']);
    assert.deepEqual(s.runBuildArgs(), ['V=1']);
    assert.deepEqual([...steps[0]!.used], ['HTTP_PROXY']);
    const declared = run('FROM a\nARG HTTP_PROXY\n', proxies).s;
    assert.deepEqual(declared.runBuildArgs(), ['HTTP_PROXY=http://p:3128']);
    assert.deepEqual(run('FROM a\n', proxies).g.unusedBuildArgs(), []);
  });

  it('reports the build args a step used, with values, for cache keys', () => {
    const { s, steps } = run('FROM a\nARG DIR=/srv\nENV HOME=/root\nWORKDIR $DIR/$HOME/$NOPE\n');
    const used = steps[2]!.used;
    assert.deepEqual([...used].sort(), ['DIR', 'HOME']);
    assert.deepEqual(s.argValues(used), { DIR: '/srv' });
  });

  it('meta ARG defaults expand against earlier meta args and predefined args', () => {
    const df = parseDockerfile('ARG A=x\nARG B=${A}-$TARGETOS\nFROM img:$B\n');
    const g = new BuildArgScope({ predefined: platformArgs({ os: 'linux', architecture: 'amd64' }) });
    g.addMetaArgs(df.metaArgs);
    assert.equal(g.globalValue('B'), 'x-linux');
    assert.equal(g.fromEnv().get('TARGETPLATFORM'), 'linux/amd64');
    g.addMetaArgs(parseDockerfile('ARG A\nARG C\nFROM x\n').metaArgs);
    assert.deepEqual([g.globalValue('A'), g.fromEnv().get('C'), g.globalNames().includes('C')], ['x', undefined, true]);
    assert.throws(() => g.addMetaArgs(parseDockerfile('ARG OK=1\nARG D=${NOPE:?needed}\nFROM x\n').metaArgs), (e: unknown) => {
      assert.ok(e instanceof LocationError);
      assert.equal(e.line, 2);
      assert.equal(e.message, 'failed to process "${NOPE:?needed}": NOPE: needed');
      return true;
    });
  });
});
