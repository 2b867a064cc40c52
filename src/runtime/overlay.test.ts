import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MOUNT_DATA_LIMIT, mountData, overlayMount } from './overlay.js';

describe('overlayMount', () => {
  const dirs = { upper: '/d/c/1/upper', work: '/d/c/1/work', target: '/d/c/1/rootfs', emptyLower: '/d/c/1/empty' };
  it('uses short relative lowerdirs from the layers root', () => {
    const m = overlayMount({ layersRoot: '/d/layers', lowerLinks: ['l/AAA', 'l/BBB'] }, dirs);
    assert.deepEqual(m, {
      cwd: '/d/layers', target: '/d/c/1/rootfs', lowers: ['l/AAA', 'l/BBB'], upper: '/d/c/1/upper', work: '/d/c/1/work', flags: ['index=off'],
    });
    assert.equal(mountData(m), 'lowerdir=l/AAA:l/BBB,upperdir=/d/c/1/upper,workdir=/d/c/1/work,index=off');
  });
  it('stands in an empty lower for images without layers', () => {
    assert.match(mountData(overlayMount({ layersRoot: '/d/layers', lowerLinks: [] }, dirs)), /^lowerdir=\/d\/c\/1\/empty,/);
  });
  it('keeps 128 layers under one page for mount(2)', () => {
    const links = Array.from({ length: 128 }, (_, i) => `l/${String(i).padStart(26, 'X')}`);
    assert.ok(Buffer.byteLength(mountData(overlayMount({ layersRoot: '/var/lib/berth/layers', lowerLinks: links }, dirs))) < MOUNT_DATA_LIMIT);
  });
  it('says a read-only overlay without upper and work', () => {
    assert.equal(mountData({ cwd: '/d', target: '/t', lowers: ['a', 'b'], flags: [] }), 'lowerdir=a:b');
  });
});
