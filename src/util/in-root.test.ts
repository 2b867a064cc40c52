import assert from 'node:assert/strict';
import { closeSync, constants as C, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { baseName, RootDir, splitContainerPath } from './in-root.js';

const top = mkdtempSync(join(tmpdir(), 'berth-inroot-'));
after(() => rmSync(top, { recursive: true, force: true }));
const root = join(top, 'root');
const host = join(top, 'host');
mkdirSync(join(root, 'etc/real'), { recursive: true });
mkdirSync(host);
writeFileSync(join(root, 'etc/real/passwd'), 'inside');
writeFileSync(join(host, 'passwd'), 'HOST');
symlinkSync(host, join(root, 'etc/abs'));
symlinkSync('../../../../../../../..' + host, join(root, 'etc/up'));
symlinkSync('real', join(root, 'etc/rel'));
symlinkSync('/proc/self/root' + host, join(root, 'etc/magic'));
mkdirSync(join(root, host), { recursive: true });
writeFileSync(join(root, host, 'passwd'), 'shadow of host inside');

function readAt(r: RootDir, path: string): string {
  const fd = r.open(path, C.O_RDONLY);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

describe('RootDir', () => {
  it('follows links inside the root, never out of it', () => {
    const r = RootDir.open(root);
    try {
      assert.equal(readAt(r, '/etc/rel/passwd'), 'inside');
      // An absolute target and a climbing relative one both land inside the root.
      assert.equal(readAt(r, '/etc/abs/passwd'), 'shadow of host inside');
      assert.equal(readAt(r, '/etc/up/passwd'), 'shadow of host inside');
      assert.equal(readAt(r, '/../../../etc/real/passwd'), 'inside');
      assert.equal(readAt(r, 'etc/real/passwd'), 'inside');
    } finally {
      r.close();
    }
  });

  it('refuses magic links and reports what is missing or not a directory', () => {
    const r = RootDir.open(root);
    try {
      // /proc/self/root inside the root is not the host's /proc: nothing there.
      assert.throws(() => r.open('/etc/magic/passwd', C.O_RDONLY), { code: 'ENOENT' });
      assert.throws(() => r.openDir('/etc/real/passwd'), { code: 'ENOTDIR' });
      assert.throws(() => r.openDir('/nope'), { code: 'ENOENT' });
      const fd = r.open('/etc/abs', C.O_RDONLY | C.O_NOFOLLOW | 0o10000000);
      try {
        assert.equal(readlinkSync(`/proc/self/fd/${fd}`), join(root, 'etc/abs'));
      } finally {
        closeSync(fd);
      }
      const d = r.openDir('/');
      try {
        assert.equal(readlinkSync(`/proc/self/fd/${d}`), root);
      } finally {
        closeSync(d);
      }
    } finally {
      r.close();
    }
  });
});

describe('splitContainerPath', () => {
  it('reads paths as Docker does', () => {
    assert.deepEqual(splitContainerPath('tmp/hello.txt'), { abs: '/tmp/hello.txt', dir: '/tmp', leaf: 'hello.txt' });
    assert.deepEqual(splitContainerPath('/a/../b/./c'), { abs: '/b/c', dir: '/b', leaf: 'c' });
    assert.deepEqual(splitContainerPath('/src/.'), { abs: '/src/.', dir: '/src/.', leaf: undefined });
    assert.deepEqual(splitContainerPath('/etc/passwd/'), { abs: '/etc/passwd/', dir: '/etc/passwd/', leaf: undefined });
    assert.deepEqual(splitContainerPath('/'), { abs: '/', dir: '/', leaf: undefined });
    assert.deepEqual(splitContainerPath('.'), { abs: '/.', dir: '/.', leaf: undefined });
    assert.deepEqual(splitContainerPath('/..'), { abs: '/', dir: '/', leaf: undefined });
  });
  it('names the top entry with filepath.Base', () => {
    assert.equal(baseName('/src/.'), '.');
    assert.equal(baseName('/etc/passwd/'), 'passwd');
    assert.equal(baseName('/tmp/hello.txt'), 'hello.txt');
    assert.equal(baseName('/'), '/');
  });
});
