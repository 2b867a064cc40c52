import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detailsPrefix } from './containers-io.js';

test('logs --details prefix: sorted, query-escaped k=v pairs, empty without attributes', () => {
  assert.equal(detailsPrefix(undefined), '');
  assert.equal(detailsPrefix({}), '');
  assert.equal(detailsPrefix({ b: '2', a: '1', E: 'x' }), 'E=x,a=1,b=2');
  assert.equal(detailsPrefix({ 'k y': 'a b,c=d/é' }), 'k+y=a+b%2Cc%3Dd%2F%C3%A9');
});
