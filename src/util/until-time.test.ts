import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { hasLabel, labelsPass, parseGoDuration, untilTime } from './until-time.js';

test('Go durations: combined, fractional and small units', () => {
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('2h45m30.5s'), (2 * 3600 + 45 * 60 + 30.5) * 1000);
  assert.equal(parseGoDuration('300ms'), 300);
  assert.equal(parseGoDuration('1500us'), 1.5);
  assert.equal(parseGoDuration('1µs'), 0.001);
  assert.equal(parseGoDuration('1000000ns'), 1);
  assert.equal(parseGoDuration('.5s'), 500);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('-1m'), -60_000);
  for (const bad of ['', '1', '1d', 'h', '.s', '1h 2m', '10', '1.2.3s', 'xx']) assert.equal(parseGoDuration(bad), undefined, bad);
});

test('until: duration before now, RFC 3339, unix seconds; anything else is InvalidArgument', () => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  assert.equal(untilTime('24h', now), Date.parse('2026-01-01T00:00:00Z'));
  assert.equal(untilTime('1h30m', now), now - 5_400_000);
  assert.equal(untilTime('2025-06-01T10:00:00Z', now), Date.parse('2025-06-01T10:00:00Z'));
  assert.equal(untilTime('2025-06-01T12:00:00+02:00', now), Date.parse('2025-06-01T10:00:00Z'));
  assert.equal(untilTime('1700000000', now), 1_700_000_000_000);
  assert.equal(untilTime('1700000000.5', now), 1_700_000_000_500);
  assert.throws(() => untilTime('xx', now), (e: unknown) => e instanceof InvalidArgument && /failed to parse value as time or duration: "xx"/.test(e.message));
});

test('labels: key, key=value, label!', () => {
  const l = { a: '1', b: '' };
  assert.ok(hasLabel(l, 'a') && hasLabel(l, 'a=1') && hasLabel(l, 'b=') && !hasLabel(l, 'a=2') && !hasLabel(l, 'c') && !hasLabel(null, 'a'));
  const f = (o: Record<string, string[]>) => new Map(Object.entries(o));
  assert.ok(labelsPass(f({ label: ['a', 'b'] }), l));
  assert.ok(!labelsPass(f({ label: ['a', 'c'] }), l));
  assert.ok(!labelsPass(f({ 'label!': ['a=1'] }), l));
  assert.ok(labelsPass(f({ 'label!': ['a=2', 'c'] }), l));
  assert.ok(labelsPass(f({}), undefined));
});
