import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContextEntry } from '../types.js';
import { excludingTree, parentsPath } from './copy-select.js';

describe('COPY --parents paths', () => {
  it('keeps the path from the root, or from the /./ pivot', () => {
    assert.equal(parentsPath('a/b/file.txt', 'a/b/file.txt'), 'a/b/file.txt');
    assert.equal(parentsPath('./a/*/x.go', 'a/one/x.go'), 'a/one/x.go');
    assert.equal(parentsPath('/a/b', 'a/b'), 'a/b');
    assert.equal(parentsPath('./src/./app/*.go', 'src/app/main.go'), 'app/main.go');
    assert.equal(parentsPath('src/./app', 'src/app'), 'app');
    assert.equal(parentsPath('./x/./', 'x'), '');
  });
});

describe('COPY --exclude tree', () => {
  const entry = (rel: string, type: ContextEntry['type']): ContextEntry => ({ rel, type, mode: 0o644, size: 0, ino: 1, nlink: 1, mtimeMs: 0, uid: 0, gid: 0 });
  const dirs: Record<string, string[]> = { '': ['src', 'README.md'], src: ['a.js', 'a.test.js', 'node_modules'], 'src/node_modules': ['m.js'] };
  const tree = {
    root: '/ctx',
    lstat: (rel: string) => (rel in dirs ? entry(rel, 'dir') : entry(rel, 'file')),
    readdir: (rel: string) => dirs[rel] ?? [],
    fileDigest: async () => 'sha256:0',
  };

  it('hides matching entries below the source, and everything under an excluded directory', () => {
    const ex = (rel: string) => /\.test\.js$/.test(rel) || rel === 'node_modules';
    const t = excludingTree(tree, 'src', ex);
    assert.deepEqual(t.readdir('src'), ['a.js']);
    assert.equal(t.lstat('src/node_modules/m.js'), undefined);
    assert.ok(t.lstat('src'), 'the source itself stays');
    assert.deepEqual(t.readdir(''), ['src', 'README.md'], 'outside the source nothing changes');
  });
});
