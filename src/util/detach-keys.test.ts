import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DetachScanner, parseDetachKeys } from './detach-keys.js';

describe('detach keys', () => {
  it('parses Docker\'s notation', () => {
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
    assert.deepEqual([...parseDetachKeys('a,ctrl-@,ctrl-[')], [97, 0, 27]);
    assert.throws(() => parseDetachKeys('ctrl-1'), /Invalid detach keys \(ctrl-1\) provided/);
  });
  it('passes other input through and detects the sequence across chunks', () => {
    const s = new DetachScanner(parseDetachKeys('ctrl-p,ctrl-q'));
    assert.equal(s.push(Buffer.from('ab\x10')).toString(), 'ab');
    assert.equal(s.push(Buffer.from('c')).toString(), '\x10c');
    assert.equal(s.push(Buffer.from('\x10\x10')).toString(), '\x10');
    assert.equal(s.push(Buffer.from('\x11rest')).toString(), '');
    assert.equal(s.detached, true);
  });
});
