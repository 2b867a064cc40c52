import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync, constants as C } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { native } from '../../util/native.js';
import { fsChanges, LowerView } from './fs-changes.js';

const isRoot = process.getuid?.() === 0;
const rootOnly = isRoot ? false : 'needs root (whiteout devices, trusted.* xattrs)';

const top = mkdtempSync(join(tmpdir(), 'berth-fs-changes-'));
after(() => rmSync(top, { recursive: true, force: true }));
let n = 0;

function tree(files: Record<string, string | null>): string {
  const root = join(top, String(n++));
  mkdirSync(root);
  for (const [p, v] of Object.entries(files)) {
    const abs = join(root, p);
    if (p.endsWith('/')) mkdirSync(abs, { recursive: true });
    else {
      mkdirSync(join(abs, '..'), { recursive: true });
      if (v === null) native().mknod(abs, C.S_IFCHR | 0o600, 0, 0);
      else writeFileSync(abs, v);
    }
  }
  return root;
}

const fixed = new Date('2023-11-14T00:00:00Z');
function stamp(root: string, paths: string[]): void {
  for (const p of paths) utimesSync(join(root, p), fixed, fixed);
}

function show(upper: string, lowers: string[]): string[] {
  const k = ['C', 'A', 'D'];
  return fsChanges(upper, lowers).map((c) => `${k[c.kind]} ${c.path}`);
}

describe('fs changes', () => {
  it('lists added files and their new parents; unchanged directories are left out', () => {
    const image = tree({ 'bin/sh': 'x', 'etc/passwd': 'root', 'usr/': '' });
    const upper = tree({ 'usr/a/b/c': 'new', 'etc/': '' });
    assert.deepEqual(show(upper, [image]), ['C /usr', 'A /usr/a', 'A /usr/a/b', 'A /usr/a/b/c']);
  });

  it('changed files count by size and mtime; the lower view merges layers', () => {
    const base = tree({ 'etc/passwd': 'root', 'etc/group': 'g' });
    const mid = tree({ 'etc/hosts': 'h' });
    stamp(base, ['etc/passwd', 'etc/group']);
    const upper = tree({ 'etc/passwd': 'root\nuser', 'etc/group': 'g', 'etc/hosts': 'h2' });
    stamp(upper, ['etc/group']);
    assert.deepEqual(show(upper, [mid, base]), ['C /etc', 'C /etc/hosts', 'C /etc/passwd']);
    assert.deepEqual(new LowerView([mid, base]).names('etc').sort(), ['group', 'hosts', 'passwd']);
  });

  it('whiteouts are deletions; an opaque directory deletes what it no longer holds', { skip: rootOnly }, () => {
    const image = tree({ 'bin/vi': 'x', 'bin/sh': 'x', 'home/user/.profile': 'p', 'home/other/': '' });
    const init = tree({ '.dockerenv': '', 'etc/hosts': '' });
    const upper = tree({ 'bin/vi': null, 'home/new/f': 'a', 'gone': null });
    native().lsetxattr(join(upper, 'home'), 'trusted.overlay.opaque', Buffer.from('y'));
    assert.deepEqual(show(upper, [init, image]), [
      'C /bin', 'D /bin/vi', 'C /home', 'A /home/new', 'A /home/new/f', 'D /home/other', 'D /home/user',
    ]);
  });

  it('a whiteout in a higher layer hides the lower file; a directory replacing a file', { skip: rootOnly }, () => {
    const base = tree({ 'a/x': '1', 'b': 'file' });
    const mid = tree({ 'a/x': null });
    const upper = tree({ 'a/x': 'again', 'b/inside': 'y' });
    assert.deepEqual(new LowerView([mid, base]).stat('a/x'), undefined);
    assert.deepEqual(show(upper, [mid, base]), ['C /a', 'A /a/x', 'C /b', 'A /b/inside']);
    symlinkSync('/nowhere', join(upper, 'link'));
    assert.deepEqual(show(upper, [mid, base]).at(-1), 'A /link');
  });
});
