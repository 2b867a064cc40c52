import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostsFile, resolvConf } from '../../runtime/files.js';
import { etcSettings } from '../../network/etc-files.js';
import { leavesNamespaceAsMade, modeNetwork, portMap, portRequests, portWires } from './container-networking.js';

const rec = (cfg: object, host: object) => ({ Config: cfg, HostConfig: host }) as never;

test('default network mode is bridge', () => {
  assert.equal(modeNetwork(''), 'bridge');
  assert.equal(modeNetwork('default'), 'bridge');
  assert.equal(modeNetwork('mynet'), 'mynet');
});

test('a namespace may serve again unless the container could change it', () => {
  assert.ok(leavesNamespaceAsMade(rec({}, {})));
  assert.ok(leavesNamespaceAsMade(rec({}, { CapAdd: ['NET_RAW', 'SYS_TIME'], Sysctls: { 'kernel.shm_rmid_forced': '1' } })));
  assert.ok(!leavesNamespaceAsMade(rec({}, { Privileged: true })));
  for (const cap of ['NET_ADMIN', 'cap_net_admin', 'SYS_ADMIN', 'ALL']) assert.ok(!leavesNamespaceAsMade(rec({}, { CapAdd: [cap] })), cap);
  assert.ok(!leavesNamespaceAsMade(rec({}, { Sysctls: { 'net.ipv4.ip_forward': '1' } })));
});

test('port requests: bindings, -P adds every exposed port, "" and "0" pick', () => {
  const r = rec({ ExposedPorts: { '80/tcp': {}, '53/udp': {} } }, { PublishAllPorts: true, PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '9000/tcp': [{ HostIp: '', HostPort: '0' }] } });
  assert.deepEqual(portRequests(r), [
    { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: '8080' },
    { containerPort: 9000, protocol: 'tcp', hostIp: '', hostPort: '0' },
    { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: '' },
  ]);
  assert.deepEqual(portRequests(rec({ ExposedPorts: { '80/tcp': {} } }, {})), []);
});

test('NetworkSettings.Ports and ps Ports list wildcard bindings for 0.0.0.0 and ::', () => {
  const r = rec({ ExposedPorts: { '80/tcp': {}, '443/tcp': {} } }, {});
  const published = [{ containerPort: 80, protocol: 'tcp' as const, hostIp: '', hostPort: 32768 }];
  assert.deepEqual(portMap(r, published), {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }, { HostIp: '::', HostPort: '32768' }],
    '443/tcp': null,
  });
  assert.deepEqual(portWires(r, published), [
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 32768, Type: 'tcp' },
    { IP: '::', PrivatePort: 80, PublicPort: 32768, Type: 'tcp' },
    { PrivatePort: 443, Type: 'tcp' },
  ]);
});

test('resolv.conf and hosts as Docker writes them: default bridge vs user network', () => {
  const host = 'nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch example.org\noptions edns0\n';
  const bridge = { Driver: 'bridge' as const, Options: { 'com.docker.network.bridge.default_bridge': 'true' } };
  const user = { Driver: 'bridge' as const, Options: {} };
  const onBridge = etcSettings({ endpoints: [{ networkId: 'b', ipAddress: '172.17.0.2', gateway: '172.17.0.1' }] as never }, () => bridge);
  assert.equal(resolvConf(host, { dns: onBridge.nameservers }), 'search example.org\nnameserver 10.0.0.2\noptions edns0\n');
  assert.equal(
    hostsFile({ hostname: 'abc', addresses: onBridge.addresses }),
    '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n172.17.0.2\tabc\n',
  );
  const onUser = etcSettings({ endpoints: [{ networkId: 'u', ipAddress: '10.5.0.2', gateway: '10.5.0.1' }] as never }, () => user);
  assert.equal(resolvConf(host, { dns: onUser.nameservers }), 'search example.org\nnameserver 127.0.0.11\noptions edns0 ndots:0\n');
  assert.equal(resolvConf(host, { dns: onUser.nameservers, dnsOptions: ['ndots:2'] }), 'search example.org\nnameserver 127.0.0.11\noptions ndots:2\n');
});
