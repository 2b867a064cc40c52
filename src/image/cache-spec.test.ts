import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCacheSpec, parseCacheSpec } from './cache-spec.js';

describe('cache specs (--cache-to, --cache-from)', () => {
  it('reads buildx\'s spellings, with min as the default mode', () => {
    assert.deepEqual(parseCacheSpec('type=registry,ref=127.0.0.1:5000/cache:x,mode=max', 'cache-to'), {
      type: 'registry', ref: '127.0.0.1:5000/cache:x', mode: 'max', ignoreError: false,
    });
    assert.deepEqual(parseCacheSpec('user/app:cache', 'cache-from'), { type: 'registry', ref: 'user/app:cache', mode: 'min', ignoreError: false });
    assert.deepEqual(parseCacheSpec('type=local,dest=out,ignore-error=true', 'cache-to', (p) => `/work/${p}`), {
      type: 'local', dir: '/work/out', mode: 'min', ignoreError: true,
    });
    assert.deepEqual(parseCacheSpec('type=local,src=/c,oci-mediatypes=true,compression=gzip', 'cache-from'), {
      type: 'local', dir: '/c', mode: 'min', ignoreError: false,
    });
  });

  it('round-trips through its canonical text', () => {
    for (const [v, flag] of [['type=local,dest=/d,mode=max', 'cache-to'], ['r.example/a:b', 'cache-from']] as const) {
      const s = parseCacheSpec(v, flag);
      assert.deepEqual(parseCacheSpec(formatCacheSpec(s, flag), flag), s);
    }
  });

  it('says what is wrong with a bad value', () => {
    const cases: [string, 'cache-to' | 'cache-from', RegExp][] = [
      ['type=s3,bucket=x', 'cache-to', /cache type "s3" is not supported by berth/],
      ['type=local,dest=rel', 'cache-to', /dest must be an absolute path/],
      ['type=local,dest=/d', 'cache-from', /unknown attribute "dest" for type=local/],
      ['ref=x', 'cache-from', /type is required/],
      ['type=registry,ref=x@sha256:' + 'a'.repeat(64), 'cache-to', /cannot export the cache to a digest reference/],
      ['type=registry,ref=x,compression=zstd', 'cache-to', /compression=zstd is not supported/],
      ['type=registry,ref=x,mode=min,mode=max', 'cache-to', /mode given twice/],
      ['type=registry,ref=x,ignore-error=maybe', 'cache-to', /ignore-error must be true or false/],
      ['type=registry,ref=x,oops', 'cache-to', /"oops" is not key=value/],
    ];
    for (const [v, flag, want] of cases) assert.throws(() => parseCacheSpec(v, flag), want, v);
  });
});
