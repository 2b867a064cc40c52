import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesSize, formatSignificant, humanDuration, humanSize } from './units.js';

describe('units', () => {
  it('formats sizes as docker does', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(1920), '1.92kB');
    assert.equal(humanSize(109_400_000), '109MB');
    assert.equal(humanSize(4_261_376), '4.26MB');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(1_000_000), '1MB');
    assert.equal(humanSize(999_900), '1e+03kB');
    assert.equal(bytesSize(25_000_000_000), '23.28GiB');
  });

  it('formats %g like Go', () => {
    assert.equal(formatSignificant(1.5, 3), '1.5');
    assert.equal(formatSignificant(100, 3), '100');
    assert.equal(formatSignificant(0.0001234, 3), '0.000123');
    assert.equal(formatSignificant(0.00001234, 3), '1.23e-05');
  });

  it('formats durations as go-units HumanDuration', () => {
    assert.equal(humanDuration(500), 'Less than a second');
    assert.equal(humanDuration(1000), '1 second');
    assert.equal(humanDuration(45_000), '45 seconds');
    assert.equal(humanDuration(90_000), 'About a minute');
    assert.equal(humanDuration(5 * 60_000), '5 minutes');
    assert.equal(humanDuration(60 * 60_000), 'About an hour');
    assert.equal(humanDuration(3 * 3_600_000), '3 hours');
    assert.equal(humanDuration(3 * 86_400_000), '3 days');
    assert.equal(humanDuration(21 * 86_400_000), '3 weeks');
    assert.equal(humanDuration(90 * 86_400_000), '3 months');
    assert.equal(humanDuration(800 * 86_400_000), '2 years');
  });
});
