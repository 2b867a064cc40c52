import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
