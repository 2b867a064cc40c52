import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numberSteps } from '../solver/run-build.js';
import { defaultBuildOptions } from '../types.js';
import { planBuild } from './plan.js';

const opts = (o: Partial<ReturnType<typeof defaultBuildOptions>> = {}) => ({ ...defaultBuildOptions(), ...o });

describe('planBuild', () => {
  const df = 'ARG V=1\nFROM busybox:${V} AS base\nENV A=1\nFROM base AS app\nCOPY --from=base /x /x\nRUN echo hi\nFROM scratch AS unused\n';

  it('translates instructions, expands FROM with meta args and numbers the needed steps', () => {
    const p = planBuild(df, opts({ target: 'APP', buildArgs: { V: '2' } }));
    assert.deepEqual(p.metaArgs, ['ARG V=1']);
    assert.equal(p.stages[0]!.base, 'busybox:2');
    assert.equal(p.stages[0]!.fromText, 'FROM busybox:${V} AS base');
    assert.deepEqual(p.needed, [0, 1]);
    assert.deepEqual(p.stages[1]!.instructions.map((i) => [i.op, i.text]), [['COPY', 'COPY --from=base /x /x'], ['RUN', 'RUN echo hi']]);
    const { total, first } = numberSteps(p);
    assert.equal(total, 6);
    assert.deepEqual([...first], [[0, 2], [1, 4]]);
  });

  it('appends --label options as LABEL steps of the target, sorted', () => {
    const p = planBuild(df, opts({ labels: { z: '1', a: 'x y' } }));
    assert.equal(p.target, 2);
    assert.deepEqual(p.stages[2]!.instructions.map((i) => i.text), ['LABEL a=x y', 'LABEL z=1']);
  });

  it('expands words with the stage scope and reports the build args used', () => {
    const p = planBuild('FROM busybox\nARG WHO=x\nENV A=$WHO B=${UNSET:-d}\n', opts({ buildArgs: { WHO: 'me', EXTRA: '1' } }));
    const vars = p.frontend.stageVars(['PATH=/bin']);
    const [arg, env] = p.stages[0]!.instructions;
    const a = vars.expand(arg!);
    assert.equal(a.ins.op, 'ARG');
    if (a.ins.op === 'ARG') for (const x of a.ins.args) vars.declareArg(x.key, x.value);
    const e = vars.expand(env!);
    assert.deepEqual(e.ins.op === 'ENV' && e.ins.pairs, [{ key: 'A', value: 'me' }, { key: 'B', value: 'd' }]);
    assert.deepEqual(e.args, [['WHO', 'me']]);
    assert.deepEqual(vars.runBuildArgs(), ['WHO=me']);
    assert.deepEqual(vars.runEnv(['PATH=/bin']), ['PATH=/bin', 'WHO=me']);
    assert.deepEqual(p.frontend.unconsumedArgs(), ['EXTRA']);
  });

  it('parses ONBUILD triggers and rejects duplicate stage names', () => {
    const p = planBuild('FROM busybox\n', opts());
    assert.equal(p.frontend.parseTrigger('COPY a /b', 1).op, 'COPY');
    assert.throws(() => p.frontend.parseTrigger('FROM x', 1), /FROM isn't allowed as an ONBUILD trigger/);
    assert.throws(() => planBuild('FROM busybox AS a\nFROM busybox AS A\n', opts()), /a stage name already used/);
  });

  it('defers a blank FROM to the stage, as Docker reports it', () => {
    const p = planBuild('ARG X\nFROM $X\n', opts());
    assert.equal(p.stages[0]!.baseError, 'base name ($X) should not be blank');
  });
});
