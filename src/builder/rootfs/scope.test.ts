import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanRelative, OutsideRootError, resolveInScope, type LinkReader } from './scope.js';

const links: Record<string, string> = {
  'var/run': '/run',
  'a/up': '..',
  'a/loop': 'loop',
  'ctx/out': '../../etc',
  'ctx/abs': '/etc/passwd',
  'ctx/ok': 'sub/file',
  'bin/sh': 'busybox',
};
const read: LinkReader = (rel) => (rel in links ? { symlink: true, target: links[rel] } : { symlink: false });

describe('resolveInScope', () => {
  it('follows symlinks as if the root were /', () => {
    assert.equal(resolveInScope('/var/run/x', read, { strict: false, followLast: true }), 'run/x');
    assert.equal(resolveInScope('/bin/sh', read, { strict: false, followLast: true }), 'bin/busybox');
    assert.equal(resolveInScope('/bin/sh', read, { strict: false, followLast: false }), 'bin/sh');
    assert.equal(resolveInScope('a/up/a/up/x', read, { strict: false, followLast: true }), 'x');
    assert.equal(resolveInScope('../../x', read, { strict: false, followLast: true }), 'x');
    assert.equal(resolveInScope('ctx/abs', read, { strict: false, followLast: true }), 'etc/passwd');
  });

  it('refuses to leave the build context in strict mode', () => {
    assert.equal(resolveInScope('ctx/ok', read, { strict: true, followLast: true }), 'ctx/sub/file');
    for (const p of ['../x', 'ctx/out', 'ctx/abs']) {
      assert.throws(() => resolveInScope(p, read, { strict: true, followLast: true }), OutsideRootError, p);
    }
    assert.throws(() => resolveInScope('../x', read, { strict: true, followLast: true }), { message: 'forbidden path outside the build context: ../x ()' });
  });

  it('stops symlink loops', () => {
    assert.throws(() => resolveInScope('a/loop', read, { strict: false, followLast: true }), /too many links/);
  });

  it('cleans paths lexically', () => {
    assert.deepEqual(cleanRelative('./a//b/../c/'), ['a', 'c']);
    assert.equal(cleanRelative('a/../../b'), undefined);
  });
});
