import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, statusText } from './status.js';

describe('status text', () => {
  it('uses go-units wording', () => {
    assert.equal(humanDuration(400), 'Less than a second');
    assert.equal(humanDuration(1000), '1 second');
    assert.equal(humanDuration(3000), '3 seconds');
    assert.equal(humanDuration(65_000), 'About a minute');
    assert.equal(humanDuration(5 * 60_000), '5 minutes');
    assert.equal(humanDuration(3600_000), 'About an hour');
    assert.equal(humanDuration(3 * 3600_000), '3 hours');
    assert.equal(humanDuration(3 * 86400_000), '3 days');
  });
  it('builds Docker\'s status column', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    assert.equal(statusText({ status: 'running', startedAt: '2026-01-01T00:09:57Z', finishedAt: '', exitCode: 0 }, now), 'Up 3 seconds');
    assert.equal(statusText({ status: 'exited', startedAt: '', finishedAt: '2026-01-01T00:08:00Z', exitCode: 3 }, now), 'Exited (3) 2 minutes ago');
    assert.equal(statusText({ status: 'created', startedAt: '', finishedAt: '', exitCode: 0 }, now), 'Created');
    assert.equal(statusText({ status: 'paused', startedAt: '2026-01-01T00:00:00Z', finishedAt: '', exitCode: 0 }, now), 'Up 10 minutes (Paused)');
  });
});
