import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseDaemonArgs } from './config.js';

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
