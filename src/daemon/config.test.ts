import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { parseDaemonArgs } from './config.js';

describe('parseDaemonArgs: TCP and TLS', () => {
  it('listens on loopback TCP without TLS', () => {
    assert.equal(parseDaemonArgs(['-H', 'tcp://127.0.0.1:2375']).config.tls, undefined);
    assert.equal(parseDaemonArgs(['-H', 'tcp://[::1]:2375']).config.tls, undefined);
  });

  it('refuses a non-loopback TCP host without TLS unless --tls=false says so', () => {
    assert.throws(() => parseDaemonArgs(['-H', 'tcp://0.0.0.0:2375']), (e: unknown) => {
      assert.ok(e instanceof InvalidArgument);
      assert.match((e as Error).message, /refusing to listen on tcp:\/\/0\.0\.0\.0:2375 without TLS: .*--tls=false to accept the risk/);
      return true;
    });
    assert.throws(() => parseDaemonArgs(['-H', 'unix:///tmp/x.sock', '-H', 'tcp://10.1.2.3:2375']), /refusing/);
    assert.equal(parseDaemonArgs(['-H', 'tcp://0.0.0.0:2375', '--tls=false']).config.tls, undefined);
  });

  it('takes --tls/--tlsverify with their certificate files', () => {
    assert.deepEqual(parseDaemonArgs(['-H', 'tcp://0.0.0.0:2376', '--tlsverify', '--tlscacert', 'ca.pem', '--tlscert', 'c.pem', '--tlskey', 'k.pem']).config.tls, {
      certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', verify: true,
    });
    assert.deepEqual(parseDaemonArgs(['-H', 'tcp://0.0.0.0:2376', '--tls', '--tlscert', 'c.pem', '--tlskey', 'k.pem']).config.tls, {
      certFile: 'c.pem', keyFile: 'k.pem', verify: false,
    });
    assert.throws(() => parseDaemonArgs(['-H', 'tcp://0.0.0.0:2376', '--tls']), /need --tlscert and --tlskey/);
    assert.throws(() => parseDaemonArgs(['-H', 'tcp://0.0.0.0:2376', '--tlsverify', '--tlscert', 'c.pem', '--tlskey', 'k.pem']), /needs --tlscacert/);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'berth-daemon-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('registry settings from flags and daemon.json', () => {
  const file = join(dir, 'daemon.json');
  writeFileSync(file, JSON.stringify({ 'insecure-registries': ['a.lan:5000'], 'registry-mirrors': ['https://m.example'], 'max-concurrent-downloads': 6 }));
  const { config } = parseDaemonArgs(['--config-file', file, '--insecure-registry', '10.0.0.0/8', '--registry-mirror', 'http://127.0.0.1:5001', '--max-concurrent-uploads', '2']);
  assert.deepEqual(config.insecureRegistries, ['a.lan:5000', '10.0.0.0/8']);
  assert.deepEqual(config.registryMirrors, ['https://m.example', 'http://127.0.0.1:5001']);
  assert.equal(config.maxConcurrentDownloads, 6);
  assert.equal(config.maxConcurrentUploads, 2);
});

test('defaults, a missing default file, and bad values', () => {
  writeFileSync(join(dir, 'empty.json'), '{}');
  const { config } = parseDaemonArgs(['--config-file', join(dir, 'empty.json')]);
  assert.equal(config.maxConcurrentDownloads, 3);
  assert.equal(config.maxConcurrentUploads, 5);
  assert.throws(() => parseDaemonArgs(['--config-file', join(dir, 'missing.json')]), /unable to configure the daemon with file/);
  assert.throws(() => parseDaemonArgs(['--insecure-registry', 'http://x']), /should not contain ':\/\/'/);
  assert.throws(() => parseDaemonArgs(['--max-concurrent-downloads', '0']), /positive integer/);
  writeFileSync(join(dir, 'bad.json'), '{"registry-mirrors": "x"}');
  assert.throws(() => parseDaemonArgs(['--config-file', join(dir, 'bad.json')]), /must be a list of strings/);
});

test('default address pools from --default-address-pool, else daemon.json', () => {
  const file = join(dir, 'pools.json');
  writeFileSync(file, JSON.stringify({ 'default-address-pools': [{ base: '10.99.0.0/16', size: 24 }] }));
  const fromFile = parseDaemonArgs(['--config-file', file]).config.defaultAddressPools;
  assert.deepEqual(fromFile.map((p) => p.size), [24]);
  const fromFlag = parseDaemonArgs(['--config-file', file, '--default-address-pool', 'base=172.20.16.0/20,size=26']).config.defaultAddressPools;
  assert.deepEqual(fromFlag.map((p) => p.size), [26]);
  assert.deepEqual(parseDaemonArgs(['--config-file', join(dir, 'empty.json')]).config.defaultAddressPools, []);
  assert.throws(() => parseDaemonArgs(['--default-address-pool', 'base=10.0.0.0/16']), /invalid default address pool "base=10\.0\.0\.0\/16": want base=CIDR,size=N/);
  assert.throws(() => parseDaemonArgs(['--default-address-pool', 'base=10.0.0.0/16,size=8']), /size 8 must be between 16 and 30/);
  writeFileSync(join(dir, 'badpools.json'), '{"default-address-pools": [{"base": "10.0.0.0/16"}]}');
  assert.throws(() => parseDaemonArgs(['--config-file', join(dir, 'badpools.json')]), /must be a list of \{"base", "size"\}/);
});

test('default logging driver from --log-driver/--log-opt over daemon.json log-driver/log-opts', () => {
  const file = join(dir, 'log.json');
  writeFileSync(file, JSON.stringify({ 'log-driver': 'local', 'log-opts': { 'max-size': '1m' } }));
  assert.deepEqual(parseDaemonArgs(['--config-file', file]).config.logConfig, { Type: 'local', Config: { 'max-size': '1m' } });
  assert.deepEqual(parseDaemonArgs(['--config-file', file, '--log-driver', 'json-file', '--log-opt', 'max-file=3']).config.logConfig, {
    Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '3' },
  });
  assert.deepEqual(parseDaemonArgs(['--config-file', join(dir, 'empty.json')]).config.logConfig, { Type: 'json-file', Config: {} });
  assert.throws(() => parseDaemonArgs(['--config-file', file, '--log-driver', 'foo']), { message: 'failed to set log opts: error looking up logging plugin foo: plugin "foo" not found' });
  writeFileSync(file, JSON.stringify({ 'log-driver': 'local', 'log-opts': { labels: 'a' } }));
  assert.throws(() => parseDaemonArgs(['--config-file', file]), /unknown log opt 'labels' for log driver local/);
  writeFileSync(file, JSON.stringify({ 'log-opts': { 'max-size': 5 } }));
  assert.throws(() => parseDaemonArgs(['--config-file', file]), /"log-opts" must be an object of strings/);
});
