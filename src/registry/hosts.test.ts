import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointsFor, hostOfServerAddress, isInsecure, splitHostPort } from './hosts.js';

const opts = { insecureRegistries: ['10.1.0.0/16', 'reg.lan:5000'], mirrors: ['http://127.0.0.1:5001/'], certsDir: '/nonexistent' };

test('loopback and configured hosts are insecure', () => {
  assert.ok(isInsecure('127.0.0.1:5000', []));
  assert.ok(isInsecure('127.9.9.9', []));
  assert.ok(isInsecure('localhost:5000', []));
  assert.ok(isInsecure('[::1]:5000', []));
  assert.ok(isInsecure('10.1.2.3:443', opts.insecureRegistries));
  assert.ok(isInsecure('reg.lan:5000', opts.insecureRegistries));
  assert.ok(!isInsecure('reg.lan:5001', opts.insecureRegistries));
  assert.ok(!isInsecure('10.2.0.1', opts.insecureRegistries));
  assert.ok(!isInsecure('registry.example.com', []));
});

test('docker.io goes to its mirrors first, then Docker Hub', () => {
  const e = endpointsFor('docker.io', opts);
  assert.deepEqual(e.map((x) => [x.base, x.mirror]), [['http://127.0.0.1:5001', true], ['https://registry-1.docker.io', false]]);
  const l = endpointsFor('127.0.0.1:5000', opts);
  assert.equal(l.length, 1);
  assert.equal(l[0]!.base, 'https://127.0.0.1:5000');
  assert.ok(l[0]!.allowHttp);
  assert.ok(!endpointsFor('example.com', opts)[0]!.allowHttp);
});

test('host names from login server addresses', () => {
  assert.equal(hostOfServerAddress(undefined), 'docker.io');
  assert.equal(hostOfServerAddress('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(hostOfServerAddress('localhost:5000'), 'localhost:5000');
  assert.equal(hostOfServerAddress('http://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
  assert.deepEqual(splitHostPort('[::1]:5000'), { hostname: '::1', port: '5000' });
});

test('certs.d CAs join the system ones for a host', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'berth-certsd-'));
  try {
    mkdirSync(join(dir, 'reg.example:5000'));
    writeFileSync(join(dir, 'reg.example:5000', 'ca.crt'), '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
    const e = endpointsFor('reg.example:5000', { insecureRegistries: [], mirrors: [], certsDir: dir })[0]!;
    assert.ok(e.ca && e.ca.length > 1);
    assert.equal(e.ca[e.ca.length - 1], '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
    assert.equal(endpointsFor('other:5000', { insecureRegistries: [], mirrors: [], certsDir: dir })[0]!.ca, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
