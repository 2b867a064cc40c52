import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matches, PRUNE_FILTERS, untilMs, type FilterSubject } from './filters.js';

const net = (o: Partial<FilterSubject>): FilterSubject => ({
  Name: 'web', Id: 'abcdef0123', Driver: 'bridge', Scope: 'local', Created: '2026-01-01T00:00:00Z', Labels: {}, builtin: false, inUse: false, ...o,
});
const f = (o: Record<string, string[]>) => new Map(Object.entries(o));

test('name is a substring, id a prefix, driver and scope exact; values of one key are ORed', () => {
  assert.ok(matches(net({}), f({ name: ['eb'] })));
  assert.ok(!matches(net({}), f({ name: ['db'] })));
  assert.ok(matches(net({}), f({ name: ['db', 'we'] })));
  assert.ok(matches(net({}), f({ id: ['abc'] })));
  assert.ok(!matches(net({}), f({ id: ['bcd'] })));
  assert.ok(matches(net({ Driver: 'host' }), f({ driver: ['host'] })));
  assert.ok(matches(net({}), f({ scope: ['local'] })));
});

test('type, dangling and labels', () => {
  assert.ok(matches(net({ builtin: true }), f({ type: ['builtin'] })));
  assert.ok(!matches(net({}), f({ type: ['builtin'] })));
  assert.throws(() => matches(net({}), f({ type: ['other'] })), /invalid filter: 'type'='other'/);
  assert.ok(matches(net({}), f({ dangling: ['true'] })));
  assert.ok(!matches(net({ inUse: true }), f({ dangling: ['1'] })));
  assert.ok(matches(net({ Labels: { a: '1', b: '' } }), f({ label: ['a=1', 'b'] })));
  assert.ok(!matches(net({ Labels: { a: '1' } }), f({ label: ['a=2'] })));
  assert.throws(() => matches(net({}), f({ colour: ['x'] })), /invalid filter 'colour'/);
});

test('prune filters: until and label!', () => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  assert.equal(untilMs('24h', now), Date.parse('2026-01-01T00:00:00Z'));
  assert.ok(matches(net({}), f({ until: ['2026-01-01T00:00:01Z'] }), PRUNE_FILTERS));
  assert.ok(!matches(net({}), f({ until: ['2025-12-31T00:00:00Z'] }), PRUNE_FILTERS));
  assert.ok(!matches(net({ Labels: { keep: '' } }), f({ 'label!': ['keep'] }), PRUNE_FILTERS));
  assert.throws(() => matches(net({}), f({ name: ['x'] }), PRUNE_FILTERS), /invalid filter 'name'/);
});
