import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanSize, progressMsg, progressText, status } from './progress.js';

test('sizes as go-units HumanSize prints them', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(512), '512B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(1500), '1.5kB');
  assert.equal(humanSize(772800), '772.8kB');
  assert.equal(humanSize(1234567), '1.235MB');
  assert.equal(humanSize(3_400_000), '3.4MB');
  assert.equal(humanSize(2_000_000_000), '2GB');
});

test('progress bars as dockerd writes them', () => {
  assert.equal(progressText(772800, 772800), '[==================================================>]  772.8kB/772.8kB');
  assert.equal(progressText(1_200_000, 3_400_000), `[=================>${' '.repeat(33)}]    1.2MB/3.4MB`);
  assert.equal(progressText(0, 100), `[>${' '.repeat(50)}]       0B/100B`);
  assert.equal(progressText(5, 0), '      5B');
  assert.equal(progressText(0, 0), '');
});

test('messages carry id, status, progressDetail and progress', () => {
  assert.deepEqual(status('a1b2c3d4e5f6', 'Pulling fs layer'), { status: 'Pulling fs layer', progressDetail: {}, id: 'a1b2c3d4e5f6' });
  assert.deepEqual(status(undefined, 'Digest: sha256:x'), { status: 'Digest: sha256:x' });
  const m = progressMsg('a1b2c3d4e5f6', 'Downloading', 50, 100);
  assert.deepEqual(m.progressDetail, { current: 50, total: 100 });
  assert.equal(m.progress, `[=========================>${' '.repeat(25)}]      50B/100B`);
});
