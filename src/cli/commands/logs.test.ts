import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timestampParam } from './logs.js';

describe('logs --since/--until', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  it('turns durations into unix timestamps before now', () => {
    assert.equal(timestampParam('10m', now), '1767225600.000000000');
    assert.equal(timestampParam('1h30m', now), '1767220800.000000000');
  });
  it('passes unix timestamps and parses dates', () => {
    assert.equal(timestampParam('1700000000.5', now), '1700000000.5');
    assert.equal(timestampParam('2026-01-01T00:00:00Z', now), '1767225600.000000000');
    assert.equal(timestampParam('', now), '');
  });
});
