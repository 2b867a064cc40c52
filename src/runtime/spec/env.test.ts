import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execEnv, processEnv, replaceOrAppend } from './env.js';

describe('replaceOrAppend', () => {
  it('replaces in place, appends new, and unsets bare names', () => {
    assert.deepEqual(replaceOrAppend(['PATH=/a', 'HOSTNAME=h', 'TERM=xterm'], ['TERM', 'PATH=/b', 'X=1']), ['PATH=/b', 'HOSTNAME=h', 'X=1']);
  });
});

describe('processEnv', () => {
  it('adds PATH, HOSTNAME and HOME', () => {
    assert.deepEqual(processEnv(null, { hostname: 'abc', tty: false, home: '/root' }), [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=abc', 'HOME=/root',
    ]);
  });
  it('adds TERM=xterm with a TTY and keeps the image PATH', () => {
    assert.deepEqual(processEnv(['PATH=/bin', 'A=b'], { hostname: 'h', tty: true, home: '/' }), ['PATH=/bin', 'HOSTNAME=h', 'TERM=xterm', 'A=b', 'HOME=/']);
  });
  it('keeps a HOME set by the image or the user', () => {
    assert.deepEqual(processEnv(['HOME=/srv'], { hostname: 'h', tty: false, home: '/root' }).filter((e) => e.startsWith('HOME=')), ['HOME=/srv']);
  });
});

describe('execEnv', () => {
  it('starts from the container env and applies -e', () => {
    assert.deepEqual(execEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3'], true), ['PATH=/bin', 'A=2', 'TERM=xterm', 'B=3']);
  });
});
