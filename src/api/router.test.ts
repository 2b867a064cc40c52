import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router } from './router.js';

describe('Router', () => {
  const h = async () => {};
  const r = new Router([
    { method: 'GET', path: '/images/json', handler: h },
    { method: 'GET', path: '/images/{name*}/json', handler: h },
    { method: 'DELETE', path: '/images/{name*}', handler: h },
    { method: 'POST', path: '/containers/{id}/start', handler: h },
  ]);

  it('matches fixed paths before patterns', () => {
    assert.equal(r.match('GET', '/images/json')?.route.path, '/images/json');
  });

  it('lets {name*} span slashes and colons', () => {
    assert.deepEqual(r.match('GET', '/images/testcontainers/ryuk:0.14.0/json')?.params, { name: 'testcontainers/ryuk:0.14.0' });
    assert.deepEqual(r.match('DELETE', '/images/localhost:5000/a/b:1')?.params, { name: 'localhost:5000/a/b:1' });
  });

  it('keeps {id} to one segment and decodes parameters', () => {
    assert.deepEqual(r.match('POST', '/containers/ab%20c/start')?.params, { id: 'ab c' });
    assert.equal(r.match('POST', '/containers/a/b/start'), undefined);
  });

  it('serves HEAD from GET routes and refuses other methods', () => {
    assert.ok(r.match('HEAD', '/images/json'));
    assert.equal(r.match('PUT', '/images/json'), undefined);
  });
});
