import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../../errdefs/index.js';
import { neededStages, resolveBase, resolveCopyFrom, stageDependencies, targetIndex, type StageRefs } from './stage-graph.js';

const stages: StageRefs[] = [
  { name: 'deps', base: 'busybox', copyFrom: [] },
  { name: 'Tools', base: 'busybox', copyFrom: [] },
  { name: 'unused', base: 'deps', copyFrom: [] },
  { name: 'build', base: 'deps', copyFrom: ['tools', '0'] },
  { base: 'scratch', copyFrom: ['build', 'alpine:3'] },
];

describe('stage graph', () => {
  it('resolves FROM and --from by name (any case), index, image or scratch', () => {
    assert.deepEqual(resolveBase(stages, 2), { stage: 0 });
    assert.deepEqual(resolveBase(stages, 4), { scratch: true });
    assert.deepEqual(resolveBase(stages, 0), { image: 'busybox' });
    assert.deepEqual(resolveCopyFrom(stages, 3, 'tools'), { stage: 1 });
    assert.deepEqual(resolveCopyFrom(stages, 3, '0'), { stage: 0 });
    assert.deepEqual(resolveCopyFrom(stages, 4, 'alpine:3'), { image: 'alpine:3' });
    assert.deepEqual(resolveBase([{ base: 'busybox', copyFrom: [] }, { base: '0', copyFrom: [] }], 1), { stage: 0 });
  });

  it('rejects --from of the current or a later stage with Docker\'s messages', () => {
    assert.throws(() => resolveCopyFrom(stages, 3, '3'), (e: Error) => e instanceof InvalidArgument && /refers to current build stage/.test(e.message));
    assert.throws(() => resolveCopyFrom(stages, 3, '4'), /index out of bounds/);
    // A name defined later is not a stage yet: it is an image name.
    assert.deepEqual(resolveCopyFrom(stages, 0, 'build'), { image: 'build' });
  });

  it('skips stages the target does not need', () => {
    const deps = stageDependencies(stages);
    assert.deepEqual(deps, [[], [], [0], [0, 1], [3]]);
    assert.deepEqual(neededStages(deps, targetIndex(stages, undefined)), [0, 1, 3, 4]);
    assert.deepEqual(neededStages(deps, targetIndex(stages, 'TOOLS')), [1]);
  });

  it('reports an unknown target as Docker does', () => {
    assert.throws(() => targetIndex(stages, 'nope'), (e: Error) => e instanceof InvalidArgument && e.message === 'failed to reach build target nope in Dockerfile');
  });
});
