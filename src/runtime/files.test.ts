import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostsFile, resolvConf } from './files.js';

describe('hostsFile', () => {
  it('has Docker\'s default entries, then extra hosts and own addresses', () => {
    const h = hostsFile({ hostname: 'abc', addresses: ['172.17.0.2'], extraHosts: ['db:10.0.0.5'] });
    assert.equal(h.split('\n')[0], '127.0.0.1\tlocalhost');
    assert.ok(h.includes('::1\tlocalhost ip6-localhost ip6-loopback\n'));
    assert.ok(h.includes('10.0.0.5\tdb\n'));
    assert.ok(h.endsWith('172.17.0.2\tabc\n'));
  });
});

describe('resolvConf', () => {
  it('drops loopback nameservers and falls back to public ones', () => {
    assert.equal(resolvConf('nameserver 127.0.0.53\noptions edns0\n'), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0\n');
  });
  it('keeps others, and search domains', () => {
    assert.equal(resolvConf('search a.b\nnameserver 10.0.0.1\nnameserver 127.0.0.1\n'), 'search a.b\nnameserver 10.0.0.1\n');
  });
  it('keeps loopback for the host network and applies --dns', () => {
    assert.equal(resolvConf('nameserver 127.0.0.1\n', { keepLoopback: true }), 'nameserver 127.0.0.1\n');
    assert.equal(resolvConf('nameserver 10.0.0.1\n', { dns: ['1.1.1.1'], dnsSearch: ['x'] }), 'search x\nnameserver 1.1.1.1\n');
  });
});
