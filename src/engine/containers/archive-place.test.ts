import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { containerFiles } from '../../runtime/paths.js';
import { placeOf } from './archive-place.js';
import type { ContainerRecord } from './record.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-place-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const files = containerFiles(join(dir, 'c'), 'id');
mkdirSync(files.dir);
mkdirSync(join(dir, 'vol'));
writeFileSync(join(dir, 'single'), 'x');
writeFileSync(files.hosts, '127.0.0.1 localhost\n');

function rec(mounts: object[]): ContainerRecord {
  return { Mounts: mounts } as unknown as ContainerRecord;
}

describe('placeOf', () => {
  const vol = { Type: 'volume', Destination: '/data', Source: join(dir, 'vol'), RW: true };
  const ro = { Type: 'bind', Destination: '/ro/', Source: join(dir, 'vol'), RW: false };
  const file = { Type: 'bind', Destination: '/etc/app.conf', Source: join(dir, 'single'), RW: true };
  const tmpfs = { Type: 'tmpfs', Destination: '/tmp', Source: '' };

  it('puts paths under a mount in its source, the longest destination first', () => {
    const r = rec([vol, ro, file, tmpfs]);
    assert.deepEqual(placeOf(r, files, '/rootfs', '/data/x/y'), { hostRoot: join(dir, 'vol'), inner: '/x/y', at: '/data', rw: true });
    assert.deepEqual(placeOf(r, files, '/rootfs', '/data'), { hostRoot: join(dir, 'vol'), inner: '/', at: '/data', rw: true });
    assert.deepEqual(placeOf(r, files, '/rootfs', '/data/.'), { hostRoot: join(dir, 'vol'), inner: '/.', at: '/data', rw: true });
    assert.deepEqual(placeOf(r, files, '/rootfs', '/ro/a'), { hostRoot: join(dir, 'vol'), inner: '/a', at: '/ro', rw: false });
    assert.deepEqual(placeOf(r, files, '/rootfs', '/database'), { hostRoot: '/rootfs', inner: '/database', at: '/' });
    assert.deepEqual(placeOf(r, files, '/rootfs', '/tmp/x'), { hostRoot: '/rootfs', inner: '/tmp/x', at: '/' });
  });

  it('gives a file mount and the container\'s own /etc/hosts by their files', () => {
    const r = rec([file]);
    assert.deepEqual(placeOf(r, files, '/rootfs', '/etc/app.conf'), { hostRoot: dir, inner: '/single', at: '/etc', rw: true });
    assert.deepEqual(placeOf(r, files, '/rootfs', '/etc/hosts'), { hostRoot: files.dir, inner: '/hosts', at: '/etc', rw: true });
    // Not written yet (never started): the image's file.
    assert.deepEqual(placeOf(r, files, '/rootfs', '/etc/hostname'), { hostRoot: '/rootfs', inner: '/etc/hostname', at: '/' });
    // A mount of the user's at /etc/hosts wins.
    const own = { Type: 'bind', Destination: '/etc/hosts', Source: join(dir, 'single'), RW: false };
    assert.deepEqual(placeOf(rec([own]), files, '/rootfs', '/etc/hosts'), { hostRoot: dir, inner: '/single', at: '/etc', rw: false });
  });
});
