import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsNamesFor, etcSettings } from './etc-files.js';

const bridge = { Driver: 'bridge' as const, Options: { 'com.docker.network.bridge.default_bridge': 'true' } };
const user = { Driver: 'bridge' as const, Options: {} };
const ep = (networkId: string, ipAddress: string, gateway: string) => ({ networkId, ipAddress, gateway });

test('default bridge: host resolvers, own address in /etc/hosts', () => {
  const s = etcSettings({ endpoints: [ep('b', '172.17.0.2', '172.17.0.1')] as never }, () => bridge);
  assert.deepEqual(s, { addresses: ['172.17.0.2'] });
});

test('user network: Docker\'s 127.0.0.11, sent to the first user network\'s resolver on its gateway', () => {
  const s = etcSettings({ endpoints: [ep('b', '172.17.0.3', '172.17.0.1'), ep('u', '10.5.0.2', '10.5.0.1'), ep('v', '10.6.0.2', '10.6.0.1')] as never }, (id) => (id === 'b' ? bridge : user));
  assert.deepEqual(s, { nameservers: ['127.0.0.11'], dnsTarget: { resolver: '10.5.0.1', source: '10.5.0.2' }, addresses: ['172.17.0.3', '10.5.0.2', '10.6.0.2'] });
});

test('DNS names: name, aliases, short ID on user networks; none on the default bridge', () => {
  const id = 'f'.repeat(64);
  assert.deepEqual(dnsNamesFor(user, id, 'web', ['www', 'web']), ['web', 'www', 'ffffffffffff']);
  assert.deepEqual(dnsNamesFor(bridge, id, 'web', ['www']), []);
});

test('DNS names: the hostname too (dockerd resolves it on user networks), once', () => {
  const id = 'f'.repeat(64);
  assert.deepEqual(dnsNamesFor(user, id, 'p_app_1', ['app'], 'apphost'), ['p_app_1', 'app', 'ffffffffffff', 'apphost']);
  assert.deepEqual(dnsNamesFor(user, id, 'web', [], 'ffffffffffff'), ['web', 'ffffffffffff']);
  assert.deepEqual(dnsNamesFor(bridge, id, 'web', [], 'apphost'), []);
});
