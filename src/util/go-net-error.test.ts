import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dialErrorText, getErrorText } from './go-net-error.js';

const err = (code: string, more: Record<string, unknown>) => Object.assign(new Error(`${more.syscall} ${code}`), { code, ...more });

test('connection errors read as Go words them (dockerd prints those)', () => {
  assert.equal(dialErrorText(err('ECONNREFUSED', { syscall: 'connect', address: '127.0.0.1', port: 5999 })), 'dial tcp 127.0.0.1:5999: connect: connection refused');
  assert.equal(dialErrorText(err('ECONNREFUSED', { syscall: 'connect', address: '::1', port: 5000 })), 'dial tcp [::1]:5000: connect: connection refused');
  assert.equal(dialErrorText(err('ETIMEDOUT', { syscall: 'connect', address: '10.0.0.1', port: 443 })), 'dial tcp 10.0.0.1:443: i/o timeout');
  assert.equal(dialErrorText(err('ECONNRESET', { syscall: 'read' })), 'read ECONNRESET');
  assert.equal(dialErrorText('plain'), 'plain');
});

test('a failed lookup names the DNS server, as Go\'s resolver does', () => {
  const notFound = err('ENOTFOUND', { syscall: 'getaddrinfo', hostname: 'nosuch.invalid' });
  assert.equal(dialErrorText(notFound, ['10.255.255.53']), 'dial tcp: lookup nosuch.invalid on 10.255.255.53:53: no such host');
  assert.equal(dialErrorText(notFound, ['::1']), 'dial tcp: lookup nosuch.invalid on [::1]:53: no such host');
  assert.equal(dialErrorText(notFound, ['10.0.0.1:5353']), 'dial tcp: lookup nosuch.invalid on 10.0.0.1:5353: no such host');
  assert.equal(dialErrorText(notFound, []), 'dial tcp: lookup nosuch.invalid: no such host');
});

test('a failed fetch reads as Go\'s http.Get error', () => {
  const e = Object.assign(new TypeError('fetch failed'), { cause: err('ECONNREFUSED', { syscall: 'connect', address: '127.0.0.1', port: 1 }) });
  assert.equal(getErrorText('http://127.0.0.1:1/x', e), 'Get "http://127.0.0.1:1/x": dial tcp 127.0.0.1:1: connect: connection refused');
});
