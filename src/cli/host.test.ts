import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandMessage } from './host.js';

const msg = (...parts: string[]) => Buffer.from(parts.map((p) => `${p}\0`).join(''));

describe('CLI host command message', () => {
  it('parses the directory, arguments (empty ones too) and environment', () => {
    const m = parseCommandMessage(msg('berth-cli/1', '/work dir', '3', 'run', '', 'é', '2', 'A=1=2', 'EMPTY='));
    assert.deepEqual(m, { cwd: '/work dir', argv: ['run', '', 'é'], env: { A: '1=2', EMPTY: '' } });
  });

  it('rejects other protocols and truncated messages', () => {
    assert.throws(() => parseCommandMessage(msg('berth-cli/2', '/', '0', '0')), /not a berth-cli\/1/);
    assert.throws(() => parseCommandMessage(msg('berth-cli/1', '/', '2', 'a')), /truncated|count/);
    assert.throws(() => parseCommandMessage(msg('berth-cli/1', '/', 'x')), /argument count/);
  });
});
