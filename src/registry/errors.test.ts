import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotFound, Unauthorized, Unavailable } from '../errdefs/index.js';
import { registryError, registryErrorText } from './errors.js';

const body = (x: unknown) => Buffer.from(JSON.stringify(x));

test('registry error bodies read as Docker prints them', () => {
  assert.equal(registryErrorText(401, body({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })), 'unauthorized: authentication required');
  assert.equal(registryErrorText(404, body({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] })), 'manifest unknown: manifest unknown');
  assert.equal(registryErrorText(401, body({ details: 'incorrect username or password' })), 'unauthorized: incorrect username or password');
  assert.equal(registryErrorText(401, Buffer.alloc(0)), 'unauthorized: authentication required');
  assert.equal(registryErrorText(502, Buffer.from('<html>bad gateway</html>')), 'unexpected status from registry: 502 Bad Gateway');
  assert.match(registryErrorText(400, body({ errors: [{ code: 'A_B' }, { code: 'C', message: 'm' }] })), /^errors:\na b: a b\nc: m\n$/);
});

test('statuses map to errdefs classes', () => {
  assert.ok(registryError(401, Buffer.alloc(0)) instanceof Unauthorized);
  assert.ok(registryError(404, Buffer.alloc(0), 'manifest for x not found: ') instanceof NotFound);
  assert.equal(registryError(404, body({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }), 'manifest for x:1 not found: ').message, 'manifest for x:1 not found: manifest unknown: manifest unknown');
  assert.ok(registryError(503, Buffer.alloc(0)) instanceof Unavailable);
});
