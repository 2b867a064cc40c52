import assert from 'node:assert/strict';
import {
  closeSync, constants as C, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { Extractor } from './extract.js';
import { headerOf } from './memory-tar.js';
import { DirPacker, packDir } from './pack.js';
import { TarParser } from './parser.js';
import type { TarHeader } from './types.js';

const base = mkdtempSync(join(tmpdir(), 'berth-fdtar-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

/** A root and a "host" directory beside it that nothing may ever reach. */
function fresh(): { root: string; host: string } {
  const dir = join(base, String(n++));
  const root = join(dir, 'root');
  const host = join(dir, 'host');
  mkdirSync(root, { recursive: true });
  mkdirSync(host);
  writeFileSync(join(host, 'secret'), 'HOST SECRET');
  return { root, host };
}

function openDir(p: string): number {
  return openSync(p, C.O_RDONLY | C.O_DIRECTORY);
}

function collectSync(p: DirPacker): Buffer {
  const out: Buffer[] = [];
  for (let b = p.next(); b !== null; b = p.next()) out.push(b);
  return Buffer.concat(out);
}

function entries(tar: Buffer): { h: TarHeader; data: string }[] {
  const out: { h: TarHeader; data: string }[] = [];
  let cur: { h: TarHeader; data: string } | undefined;
  const parser = new TarParser({
    raw: () => {},
    entry: (h) => out.push((cur = { h, data: '' })),
    data: (c) => (cur!.data += c.toString()),
    entryEnd: () => {},
  });
  parser.push(tar);
  parser.end();
  return out;
}

async function collect(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('Extractor with a directory descriptor', () => {
  it('keeps writing into the directory it opened when a parent is swapped for a symlink to the host', () => {
    const { root, host } = fresh();
    const fd = openDir(root);
    const ex = new Extractor('label', { whiteouts: 'literal', dirfd: fd, chown: false });
    try {
      ex.entry(headerOf({ name: 'a/' }));
      ex.entry(headerOf({ name: 'a/one', data: '' }));
      ex.entryEnd();
      // The race, made deterministic: a/ moves away and a symlink to the host takes its place.
      renameSync(join(root, 'a'), join(root, 'moved'));
      symlinkSync(host, join(root, 'a'));
      ex.entry(headerOf({ name: 'a/two', data: '' }));
      ex.entryEnd();
      ex.finish();
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(readdirSync(host), ['secret']);
    assert.deepEqual(readdirSync(join(root, 'moved')).sort(), ['one', 'two']);
  });

  it('refuses to open a directory that is a symlink, and chmods nothing through one', () => {
    const { root, host } = fresh();
    symlinkSync(host, join(root, 'd'));
    const fd = openDir(root);
    try {
      const ex = new Extractor('label', { whiteouts: 'literal', dirfd: fd, chown: false });
      assert.throws(() => ex.entry(headerOf({ name: 'd/x', data: '' })));
      ex.abort();
      const ex2 = new Extractor('label', { whiteouts: 'literal', dirfd: fd, chown: false });
      // A directory entry where a symlink is: the symlink is replaced, the host dir untouched.
      ex2.entry(headerOf({ name: 'd/', mode: 0o700 }));
      ex2.finish();
    } finally {
      closeSync(fd);
    }
    assert.equal(lstatSync(host).mode & 0o777, 0o755 & ~process.umask());
    assert.ok(lstatSync(join(root, 'd')).isDirectory());
    assert.equal(readFileSync(join(host, 'secret'), 'utf8'), 'HOST SECRET');
  });

  it('replaces a directory by a file without following links inside it', () => {
    const { root, host } = fresh();
    mkdirSync(join(root, 'x/sub'), { recursive: true });
    symlinkSync(host, join(root, 'x/sub/link'));
    const fd = openDir(root);
    try {
      const ex = new Extractor('label', { whiteouts: 'literal', dirfd: fd, chown: false });
      ex.entry(headerOf({ name: 'x', data: 'file now' }));
      ex.data(Buffer.from('file now'));
      ex.entryEnd();
      ex.finish();
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(join(root, 'x'), 'utf8'), 'file now');
    assert.ok(existsSync(join(host, 'secret')));
  });
});

describe('DirPacker with a directory descriptor', () => {
  it('writes Docker\'s archive of one path: a file, a directory, a directory\'s contents', async () => {
    const { root } = fresh();
    mkdirSync(join(root, 'src/sub'), { recursive: true });
    writeFileSync(join(root, 'src/hello.txt'), 'hi');
    writeFileSync(join(root, 'src/sub/b'), 'b');
    const fd = openDir(join(root, 'src'));
    try {
      const file = entries(collectSync(new DirPacker('x', { whiteouts: 'literal', dirfd: fd, top: { name: 'hello.txt', as: 'y.txt' } })));
      assert.deepEqual(file.map((e) => [e.h.name, e.data]), [['y.txt', 'hi']]);
      const self = entries(await collect(packDir('x', { whiteouts: 'literal', dirfd: fd, top: { as: '.' } })));
      assert.deepEqual(self.map((e) => e.h.name), ['./', './hello.txt', './sub/', './sub/b']);
      const named = entries(await collect(packDir('x', { whiteouts: 'literal', dirfd: fd, top: { as: 'src' } })));
      assert.deepEqual(named.map((e) => e.h.name), ['src/', 'src/hello.txt', 'src/sub/', 'src/sub/b']);
    } finally {
      closeSync(fd);
    }
  });

  it('archives a symlink to the host as a symlink and never reads through it', () => {
    const { root, host } = fresh();
    mkdirSync(join(root, 'd'));
    symlinkSync(host, join(root, 'd/link'));
    symlinkSync(join(host, 'secret'), join(root, 'd/file'));
    const fd = openDir(root);
    try {
      const tar = collectSync(new DirPacker('x', { whiteouts: 'literal', dirfd: fd }));
      assert.deepEqual(entries(tar).map((e) => [e.h.name, e.h.type]), [['d/', 'dir'], ['d/file', 'symlink'], ['d/link', 'symlink']]);
      assert.ok(!tar.includes('HOST SECRET'));
    } finally {
      closeSync(fd);
    }
  });

  it('leaves out an entry that turned into a symlink between listing and opening', () => {
    const { root, host } = fresh();
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'b/f'), 'inside');
    const fd = openDir(root);
    try {
      const p = new DirPacker('x', { whiteouts: 'literal', dirfd: fd });
      // The root is listed; now b/ becomes a symlink to the host before it is reached.
      renameSync(join(root, 'b'), join(root, 'c'));
      symlinkSync(host, join(root, 'b'));
      const tar = collectSync(p);
      assert.ok(!tar.includes('HOST SECRET'));
      assert.deepEqual(entries(tar).map((e) => [e.h.name, e.h.type]), [['a/', 'dir'], ['b', 'symlink']]);
    } finally {
      closeSync(fd);
    }
  });
});
