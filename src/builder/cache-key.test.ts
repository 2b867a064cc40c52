import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheKey, configDigest, diffKeyParts, type CacheKeyParts } from './cache-key.js';

const base: CacheKeyParts = {
  parent: 'sha256:' + 'a'.repeat(64),
  instruction: 'COPY app /app/',
  args: [['B', '2'], ['A', '1']],
  sources: [{ path: 'app', checksum: 'sha256:' + 'b'.repeat(64) }],
  config: configDigest('{}'),
  extra: [],
};

describe('cache keys', () => {
  it('are stable and independent of the order of args', () => {
    const k1 = cacheKey(base);
    const k2 = cacheKey({ ...base, args: [['A', '1'], ['B', '2']] });
    assert.equal(k1.digest, k2.digest);
    assert.match(k1.digest, /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(k1.parts.args, [['A', '1'], ['B', '2']]);
  });

  it('change with every part', () => {
    const d = cacheKey(base).digest;
    const variants: Partial<CacheKeyParts>[] = [
      { parent: '' },
      { instruction: 'COPY app /app' },
      { args: [['A', '1']] },
      { args: [['A', '1'], ['B', '3']] },
      { sources: [{ path: 'app', checksum: 'sha256:' + 'c'.repeat(64) }] },
      { sources: [{ path: 'app2', checksum: 'sha256:' + 'b'.repeat(64) }] },
      { config: configDigest('{"Env":[]}') },
      { extra: [['from', 'x']] },
    ];
    const seen = new Set([d]);
    for (const v of variants) {
      const k = cacheKey({ ...base, ...v }).digest;
      assert.ok(!seen.has(k), JSON.stringify(v));
      seen.add(k);
    }
  });

  it('cannot be confused by values containing separators', () => {
    const a = cacheKey({ ...base, args: [['A', '1\nB:1:2']] }).digest;
    const b = cacheKey({ ...base, args: [['A', '1'], ['B', '2']] }).digest;
    assert.notEqual(a, b);
  });

  it('names the parts that explain a miss', () => {
    assert.deepEqual(diffKeyParts(base, { ...base, args: [['A', '1'], ['B', '2']] }), []);
    assert.deepEqual(diffKeyParts(base, { ...base, parent: '', sources: [] }), ['parent', 'sources']);
  });
});
