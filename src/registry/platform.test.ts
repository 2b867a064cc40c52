import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Descriptor } from '../image/manifest.js';
import { formatPlatform, normalizePlatform, parsePlatform, selectManifest } from './platform.js';

const host = { os: 'linux', architecture: 'amd64' };
const d = (n: number, os: string, architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 100,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

test('parses platform strings as containerd does (aliases, its variants)', () => {
  assert.deepEqual(parsePlatform('linux/amd64', host), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/x86_64', host), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/aarch64', host), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm64/v8', host), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/arm', host), { os: 'linux', architecture: 'arm' });
  assert.deepEqual(parsePlatform('linux/armhf', host), { os: 'linux', architecture: 'arm' });
  assert.deepEqual(parsePlatform('linux/arm/7', host), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parsePlatform('arm64', host), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux', host), { os: 'linux', architecture: 'amd64' });
  assert.equal(formatPlatform(parsePlatform('linux/arm/v6', host)), 'linux/arm/v6');
  assert.deepEqual(parsePlatform('x86_64', host), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('Linux/ARM64', host), { os: 'linux', architecture: 'arm64' });
  // Compared through normalizePlatform: arm64 is v8, arm is v7.
  assert.deepEqual(normalizePlatform(parsePlatform('linux/arm64', host)), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(normalizePlatform(parsePlatform('linux/arm', host)), { os: 'linux', architecture: 'arm', variant: 'v7' });
});

test('refuses platform strings with containerd\'s words', () => {
  const refuses = (s: string, message: string) => assert.throws(() => parsePlatform(s, host), (e: Error) => e.message === message);
  refuses('bogus', '"bogus": unknown operating system or architecture: invalid argument');
  refuses('linux//x', '"" is an invalid component of "linux//x": platform specifier component must match "^[A-Za-z0-9_-]+$": invalid argument');
  refuses('linux/a b', '"a b" is an invalid component of "linux/a b": platform specifier component must match "^[A-Za-z0-9_-]+$": invalid argument');
  refuses('linux/arm/v7/x', '"linux/arm/v7/x": cannot parse platform specifier: invalid argument');
  refuses('linux/*', '"linux/*": wildcards not yet supported: invalid argument');
});

test('selects the matching manifest from an index', () => {
  const list = [d(1, 'linux', 'arm', 'v6'), d(2, 'linux', 'arm', 'v7'), d(3, 'linux', 'arm64', 'v8'), d(4, 'linux', 'amd64'), d(5, 'unknown', 'unknown')];
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'amd64' }).digest, list[3]!.digest);
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm64' }).digest, list[2]!.digest);
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, list[1]!.digest);
  assert.equal(selectManifest([list[0]!], { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, list[0]!.digest);
  assert.equal(selectManifest([d(9, 'linux', 'arm64')], { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, d(9, 'x', 'y').digest);
  assert.throws(() => selectManifest(list, { os: 'linux', architecture: 's390x' }), /no matching manifest for linux\/s390x/);
  // Named as asked: containerd's linux/arm64 has no variant.
  assert.throws(() => selectManifest([list[3]!], { os: 'linux', architecture: 'arm64' }), (e: Error) => e.message === 'no matching manifest for linux/arm64 in the manifest list entries');
  assert.throws(() => selectManifest([list[4]!], host), /no matching manifest/);
});
