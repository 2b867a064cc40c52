import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRegistryConfig } from './build.js';

test('X-Registry-Config: URL-safe and standard base64 JSON; anything unreadable is no credentials', () => {
  const map = { 'localhost:5000': { username: 'a', password: 'b?>~' }, 'https://index.docker.io/v1/': { auth: 'eDp5' } };
  const json = JSON.stringify(map);
  assert.deepEqual(decodeRegistryConfig(Buffer.from(json).toString('base64url')), map);
  assert.deepEqual(decodeRegistryConfig(Buffer.from(json).toString('base64')), map);
  assert.deepEqual(decodeRegistryConfig(Buffer.from('{}').toString('base64')), {});
  assert.deepEqual(decodeRegistryConfig('%%% not base64 json'), {});
  assert.deepEqual(decodeRegistryConfig(Buffer.from('[1]').toString('base64')), {});
  assert.deepEqual(decodeRegistryConfig(Buffer.from('{"h":"str"}').toString('base64')), {});
  assert.deepEqual(decodeRegistryConfig(undefined), {});
});
