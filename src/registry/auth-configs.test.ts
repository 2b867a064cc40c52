import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authConfigFor } from './auth-configs.js';

test('picks the entry for a host as dockerd does', () => {
  const hub = { username: 'hub' };
  const local = { username: 'local' };
  const schemed = { username: 'schemed' };
  const configs = { 'https://index.docker.io/v1/': hub, '127.0.0.1:5000': local, 'http://registry.test:8080/v2/': schemed };
  assert.equal(authConfigFor(configs, 'docker.io'), hub);
  assert.equal(authConfigFor(configs, '127.0.0.1:5000'), local);
  assert.equal(authConfigFor(configs, 'registry.test:8080'), schemed);
  assert.equal(authConfigFor(configs, '127.0.0.1:5001'), undefined);
  assert.equal(authConfigFor({}, 'docker.io'), undefined);
});
