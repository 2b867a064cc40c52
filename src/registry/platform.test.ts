import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Descriptor } from '../image/manifest.js';
import { formatPlatform, parsePlatform, selectManifest } from './platform.js';

const host = { os: 'linux', architecture: 'amd64' };
const d = (n: number, os: string, architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 100,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

test('parses platform strings with aliases and default variants', () => {
  assert.deepEqual(parsePlatform('linux/amd64', host), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/x86_64', host), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/aarch64', host), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/arm', host), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parsePlatform('arm64', host), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux', host), { os: 'linux', architecture: 'amd64' });
  assert.equal(formatPlatform(parsePlatform('linux/arm/v6', host)), 'linux/arm/v6');
  assert.throws(() => parsePlatform('linux//x', host), /invalid platform/);
});

test('selects the matching manifest from an index', () => {
  const list = [d(1, 'linux', 'arm', 'v6'), d(2, 'linux', 'arm', 'v7'), d(3, 'linux', 'arm64', 'v8'), d(4, 'linux', 'amd64'), d(5, 'unknown', 'unknown')];
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'amd64' }).digest, list[3]!.digest);
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm64' }).digest, list[2]!.digest);
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, list[1]!.digest);
  assert.equal(selectManifest([list[0]!], { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, list[0]!.digest);
  assert.equal(selectManifest([d(9, 'linux', 'arm64')], { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, d(9, 'x', 'y').digest);
  assert.throws(() => selectManifest(list, { os: 'linux', architecture: 's390x' }), /no matching manifest for linux\/s390x/);
  assert.throws(() => selectManifest([list[4]!], host), /no matching manifest/);
});
