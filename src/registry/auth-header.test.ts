import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges } from './auth-header.js';

test('bearer challenge with realm, service and scope', () => {
  const c = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"');
  assert.deepEqual(c, [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
});

test('basic challenge, spaces, escapes and unquoted values', () => {
  assert.deepEqual(parseChallenges('Basic realm="Registry \\"Realm\\""'), [{ scheme: 'basic', params: { realm: 'Registry "Realm"' } }]);
  assert.deepEqual(parseChallenges('Bearer realm=http://x/t , service=reg'), [{ scheme: 'bearer', params: { realm: 'http://x/t', service: 'reg' } }]);
});

test('several challenges in one header', () => {
  const c = parseChallenges('Basic realm="a", Bearer realm="b",scope="repository:x:pull,push"');
  assert.equal(c.length, 2);
  assert.equal(c[0]!.scheme, 'basic');
  assert.deepEqual(c[1]!.params, { realm: 'b', scope: 'repository:x:pull,push' });
});

test('empty and scheme-only headers', () => {
  assert.deepEqual(parseChallenges(''), []);
  assert.deepEqual(parseChallenges('Negotiate'), [{ scheme: 'negotiate', params: {} }]);
});
