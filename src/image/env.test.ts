import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeEnv } from './env.js';

describe('mergeEnv', () => {
  it('keeps the image env when the request has none', () => {
    assert.deepEqual(mergeEnv(undefined, ['PATH=/x', 'A=1']), ['PATH=/x', 'A=1']);
    assert.equal(mergeEnv(undefined, null), null);
  });
  it('puts request variables first, then image variables not overridden', () => {
    assert.deepEqual(mergeEnv(['A=2', 'B=3'], ['PATH=/x', 'A=1']), ['A=2', 'B=3', 'PATH=/x']);
  });
});
