import assert from 'node:assert/strict';
import { test } from 'node:test';
import { volumePruneFilters } from './volumes.js';

test('volume prune: API 1.42+ without all= prunes anonymous volumes only; 1.41 prunes every unused one', () => {
  const none = new Map<string, string[]>();
  assert.equal(volumePruneFilters(none, '1.41').has('all'), false);
  assert.deepEqual(volumePruneFilters(none, '1.42').get('all'), ['false']);
  assert.deepEqual(volumePruneFilters(new Map([['all', ['true']]]), '1.47').get('all'), ['true']);
  assert.deepEqual(volumePruneFilters(new Map([['label', ['a']]]), '1.45').get('label'), ['a']);
});
