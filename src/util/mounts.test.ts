import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountsBelow } from './mounts.js';

const info = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '90 22 0:50 / /var/lib/berth/tmp/build/rw-1/merged rw - overlay overlay rw,lowerdir=l/A',
  '91 22 0:51 / /var/lib/berth/tmp/build-other rw - tmpfs tmpfs rw',
  '92 90 0:52 / /var/lib/berth/tmp/build/rw-1/merged/proc rw - proc proc rw',
  '93 22 0:53 / /var/lib/berth/tmp/build/with\\040space rw - tmpfs tmpfs rw',
  '94 90 0:54 / /var/lib/berth/tmp/build/rw-1/merged rw - tmpfs tmpfs rw',
  '95 22 0:55 / /var/lib/berth/tmp/build rw - tmpfs tmpfs rw',
  '',
].join('\n');

describe('mountsBelow', () => {
  it('lists mounts at and below a directory, deepest and latest first', () => {
    assert.deepEqual(mountsBelow(info, '/var/lib/berth/tmp/build'), [
      '/var/lib/berth/tmp/build/rw-1/merged/proc',
      '/var/lib/berth/tmp/build/rw-1/merged',
      '/var/lib/berth/tmp/build/rw-1/merged',
      '/var/lib/berth/tmp/build/with space',
      '/var/lib/berth/tmp/build',
    ]);
  });
  it('does not take a sibling that shares a prefix, and accepts a trailing slash', () => {
    assert.ok(!mountsBelow(info, '/var/lib/berth/tmp/build/').includes('/var/lib/berth/tmp/build-other'));
    assert.deepEqual(mountsBelow(info, '/nowhere'), []);
  });
});
