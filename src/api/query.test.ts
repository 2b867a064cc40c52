import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { Query, parseFilters } from './query.js';
import { s } from './schema.js';

describe('Query', () => {
  it('reads booleans the way Docker does', () => {
    const q = new Query(new URLSearchParams('a=1&b=0&c=false&d=no&e=&f=true&g=none&h=yes'));
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'z'].map((k) => q.bool(k)), [true, false, false, false, false, true, false, true, false]);
  });

  it('parses filters in map and list forms', () => {
    assert.deepEqual([...parseFilters('{"label":{"a=b":true},"dangling":{"true":true}}')], [['label', ['a=b']], ['dangling', ['true']]]);
    assert.deepEqual([...parseFilters('{"label":["k=v"],"status":["running"]}')], [['label', ['k=v']], ['status', ['running']]]);
    assert.throws(() => parseFilters('{bad'), InvalidArgument);
  });

  it('rejects bad JSON parameters with InvalidArgument', () => {
    const args = s.map(s.ptr(s.string()));
    assert.throws(() => new Query(new URLSearchParams('buildargs={x')).json('buildargs', args), InvalidArgument);
    assert.throws(() => new Query(new URLSearchParams('buildargs={"A":5}')).json('buildargs', args), InvalidArgument);
    assert.throws(() => new Query(new URLSearchParams('buildargs=[1]')).json('buildargs', args), InvalidArgument);
    assert.deepEqual(new Query(new URLSearchParams('buildargs={"A":null,"B":"b"}')).json('buildargs', args), { A: null, B: 'b' });
  });
});
